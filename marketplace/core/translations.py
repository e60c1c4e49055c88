"""Translations of catalogue and content records (Saleor's `translation(languageCode)`): one row per record
and language in `<Entity>Translation` models. The base (Vietnamese) fields stay the source; a translation
only adds another language, and a client falls back to the base field where a translation is missing.

The apps' services authorise and then call `translation_save`, which bounds, sanitises and stores."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from marketplace.core.html import sanitize_description
from marketplace.core.languages import SOURCE_LANGUAGE, language_code_is_valid
from marketplace.core.text import slugify_vi

T = TypeVar("T", bound=models.Model)


def clean_language_code(value: str) -> str:
    """`EN`, `en_US` or `en-us` -> the stored `en-us`; unknown codes and the source language are refused."""
    code = (value or "").strip().lower().replace("_", "-")
    if not language_code_is_valid(code):
        raise ValidationError({"language_code": f"Mã ngôn ngữ không hợp lệ: {value!r}."}, code="invalid")
    if code == SOURCE_LANGUAGE:
        raise ValidationError(
            {"language_code": "Tiếng Việt là ngôn ngữ gốc: hãy sửa chính bản ghi, không phải bản dịch."},
            code="invalid",
        )
    return code


def _unique_slug(model: type[models.Model], *, owner_field: str, owner_id: int, code: str, text: str) -> str:
    base = slugify_vi(text, max_length=90)
    candidates = [base, *(f"{base}-{n}" for n in range(2, 1000))]
    taken = set(
        model._default_manager.filter(language_code=code, slug__in=candidates)
        .exclude(**{f"{owner_field}_id": owner_id})
        .values_list("slug", flat=True)
    )
    return next(slug for slug in candidates if slug not in taken)


def translation_save(
    model: type[T],
    *,
    owner_field: str,
    owner: models.Model,
    language_code: str,
    values: dict[str, str],
    max_lengths: dict[str, int],
    rich_text: str | None = None,
    slug_from: str | None = None,
) -> T | None:
    """Store the translation of `owner` into `language_code` (or delete it when every value is empty, so the
    client falls back to the base text). Text is stripped and bounded; `rich_text` is sanitised like base
    descriptions; the translated slug is made from `slug_from`, unique within the language. Nothing is
    written when a value is refused."""
    code = clean_language_code(language_code)
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        text = (value or "").strip()
        if field == rich_text:
            text = sanitize_description(text)
        if len(text) > max_lengths[field]:
            raise ValidationError({field: f"Tối đa {max_lengths[field]} ký tự."}, code="invalid")
        cleaned[field] = text
    existing = model._default_manager.filter(**{owner_field: owner, "language_code": code})
    if not any(cleaned.values()):
        existing.delete()
        return None
    if slug_from is not None:
        cleaned["slug"] = (
            _unique_slug(
                model, owner_field=owner_field, owner_id=owner.pk, code=code, text=cleaned[slug_from]
            )
            if cleaned[slug_from]
            else None
        )
    lookup: dict[str, Any] = {owner_field: owner, "language_code": code}
    translation, _ = model._default_manager.update_or_create(defaults=cleaned, **lookup)
    return translation
