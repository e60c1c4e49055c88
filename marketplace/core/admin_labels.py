"""The staff admin in one language (Vietnamese by default, English via the language setting).

Model and field names are English identifiers, and Django derives labels from them ("created at",
"product variants") that no catalogue translates. At start-up every such label of our own models is wrapped in
gettext_lazy with that English text as the msgid, so locale/vi translates it (and locale/en only fixes the odd
plural). Only what people read changes: migrations keep reading the declared values (Field._verbose_name,
Meta.original_attrs), so this adds no migration."""

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

OUR_MODULES = ("marketplace.", "catalog_import.")


def english_plural(name: str) -> str:
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    return name + "s"


def _english(text: object) -> str:
    with translation.override(None):
        return str(text)


def translate_model_labels() -> None:
    for model in apps.get_models():
        if not model.__module__.startswith(OUR_MODULES):
            continue
        opts = model._meta
        singular = _english(opts.verbose_name)
        if not isinstance(opts.original_attrs.get("verbose_name"), Promise):
            opts.verbose_name = gettext_lazy(singular)
        if not isinstance(opts.original_attrs.get("verbose_name_plural"), Promise):
            plural = opts.original_attrs.get("verbose_name_plural") or english_plural(singular)
            opts.verbose_name_plural = gettext_lazy(str(plural))
        for field in opts.get_fields(include_hidden=True):
            label = getattr(field, "verbose_name", None)
            if label is None or isinstance(label, Promise):
                continue
            if not field.auto_created or getattr(field, "primary_key", False):  # not reverse relations
                setattr(field, "verbose_name", gettext_lazy(str(label)))  # noqa: B010 (a union of field kinds)
