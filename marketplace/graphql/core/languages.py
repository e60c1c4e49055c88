"""Saleor's languages: `LanguageCodeEnum`, `LanguageDisplay` and the request-scoped translation loaders behind
every `translation(languageCode)` field. Translations are stored in `<Entity>Translation` rows under the
lower-case code (`en`, `en-us`); the enum value is that code upper-cased with `_` (`EN`, `EN_US`)."""

from typing import Any, ClassVar

import graphene
from django.db import models

from marketplace.core.languages import LANGUAGE_NAMES, LANGUAGES, enum_value, stored_code
from marketplace.graphql.core.dataloaders import DataLoader

LanguageCodeEnum = graphene.Enum(
    "LanguageCodeEnum",
    [(enum_value(code), enum_value(code)) for code, _ in LANGUAGES],
    description=lambda value: LANGUAGE_NAMES[stored_code(value.name)] if value else "Language code.",
)


def language_code_argument(**kwargs) -> graphene.Argument:
    return graphene.Argument(LanguageCodeEnum, **kwargs)


def code_of(value: Any) -> str | None:
    """The stored code of an enum argument (`LanguageCodeEnum.EN` or `"EN"`) -> `en`; None stays None."""
    if value is None:
        return None
    return stored_code(getattr(value, "value", value))


class LanguageDisplay(graphene.ObjectType):
    code = graphene.Field(
        LanguageCodeEnum, required=True, description="ISO 639 representation of the language name."
    )
    language = graphene.String(required=True, description="Full name of the language.")

    @staticmethod
    def resolve_code(root, info):
        return enum_value(root.language_code)

    @staticmethod
    def resolve_language(root, info):
        return LANGUAGE_NAMES[root.language_code]


class TranslationLoader(DataLoader):
    """Translations by (owner id, language code). Owners are announced (primed) by whoever loads a page of
    them; the first `translation(languageCode: X)` loads language X for every announced owner in one query,
    so a page costs one query per language asked, whatever its size."""

    model: ClassVar[type[models.Model]]
    owner_field: ClassVar[str]

    def __init__(self, context):
        super().__init__(context)
        self.owners: set[int] = set()

    def prime_keys(self, keys) -> None:
        self.owners.update(key for key in keys if key is not None)

    def load(self, key):
        if key not in self.cache:
            owner_id, code = key
            ids = {owner for owner in self.owners if (owner, code) not in self.cache} | {owner_id}
            column = f"{self.owner_field}_id"
            rows = self.model._default_manager.filter(**{f"{column}__in": ids, "language_code": code})
            found = {getattr(row, column): row for row in rows}
            for owner in ids:
                self.cache[(owner, code)] = found.get(owner)
        return self.cache[key]


def load_translation(info, loader: type[TranslationLoader], owner_id: int, language_code) -> Any:
    """The owner's translation into `language_code`, or None (the client shows the base field)."""
    return loader.for_context(info.context).load((owner_id, code_of(language_code)))


def translation_field(type_name: Any, description: str) -> graphene.Field:
    return graphene.Field(
        type_name,
        language_code=graphene.Argument(
            graphene.NonNull(LanguageCodeEnum), description="A language code to return the translation for."
        ),
        description=description,
    )


def blank_to_none(value: str | None) -> str | None:
    return value or None


class TranslationResolvers:
    """Resolvers shared by the translation types: the row is its own language display, and text left empty
    is answered as null (as Saleor answers untranslated fields)."""

    @staticmethod
    def resolve_language(root, info):
        return root

    @staticmethod
    def resolve_seo_title(root, info):
        return blank_to_none(root.seo_title)

    @staticmethod
    def resolve_seo_description(root, info):
        return blank_to_none(root.seo_description)

    @staticmethod
    def resolve_slug(root, info):
        return blank_to_none(root.slug)
