"""Admin inlines for `<Entity>Translation` rows (staff enter English names and descriptions): the form checks
the language code and the bounds, and the owner's admin saves every row through the app's
`<entity>_translation_set` service as the staff user (sanitising, permission, slug)."""

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from marketplace.core.html import sanitize_description
from marketplace.core.translations import clean_language_code


class TranslationForm(forms.ModelForm):
    # Rich-text fields and their bound once sanitised (as the services count them).
    rich_text_limits: ClassVar[dict[str, int]] = {}

    def clean_language_code(self) -> str:
        try:
            return clean_language_code(self.cleaned_data.get("language_code", ""))
        except ValidationError as error:
            raise ValidationError(error.message_dict["language_code"]) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, limit in self.rich_text_limits.items():
            if len(sanitize_description(cleaned.get(field) or "")) > limit:
                self.add_error(field, f"Tối đa {limit} ký tự.")
        return cleaned


def translation_form(**rich_text_limits: int) -> type[TranslationForm]:
    return type("BoundedTranslationForm", (TranslationForm,), {"rich_text_limits": rich_text_limits})


class TranslationInline(admin.StackedInline):
    form = TranslationForm
    extra = 0
    verbose_name = "bản dịch"
    verbose_name_plural = "bản dịch (ví dụ tiếng Anh: mã en)"


def save_translation_formset(
    formset: Any, save: Callable[..., object], *, owner: Any, owner_kwarg: str, fields: tuple[str, ...]
) -> None:
    """Each changed row through `save(**{owner_kwarg: owner}, language_code, **fields)`; a deleted row (or
    the old language of a row given another one) is saved with empty fields, which removes it."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed() and form not in formset.deleted_forms:
            continue
        data = form.cleaned_data
        if not data:
            continue
        deleted = form in formset.deleted_forms
        previous = form.initial.get("language_code")
        if previous and (deleted or previous != data.get("language_code")):
            # A row removed, or moved to another language: the old language's row goes.
            save(**{owner_kwarg: owner}, language_code=previous, **dict.fromkeys(fields, ""))
        if not deleted:
            save(
                **{owner_kwarg: owner},
                language_code=data["language_code"],
                **{f: data.get(f, "") for f in fields},
            )
        if deleted:
            formset.deleted_objects.append(form.instance)
        elif form.instance.pk is None:
            formset.new_objects.append(form.instance)
        else:
            formset.changed_objects.append((form.instance, form.changed_data))
