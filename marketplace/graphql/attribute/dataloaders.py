"""Attribute reads for one request: the attribute catalogue (small tables, read once) and translations
(one query per language asked), so lists of products cost the same whatever their length."""

from marketplace.catalog.attributes import AttributeCatalog, attribute_catalog
from marketplace.catalog.models import AttributeTranslation, AttributeValueTranslation
from marketplace.graphql.core.dataloaders import DataLoader


class AttributeCatalogLoader(DataLoader):
    context_key = "attribute_catalog"

    def batch_load(self, keys):
        catalog = attribute_catalog()
        return [catalog for _ in keys]


def catalog_for(info) -> AttributeCatalog:
    return AttributeCatalogLoader.for_context(info.context).load("all")


def _by_language(model, owner: str, keys: list[str]) -> list[dict]:
    found: dict[str, dict] = {key: {} for key in keys}
    for row in model.objects.filter(language_code__in=keys):
        found[row.language_code][getattr(row, owner)] = row
    return [found[key] for key in keys]


class AttributeTranslationsByLanguageLoader(DataLoader):
    """{attribute id: AttributeTranslation} for a language code ("en", "en-us")."""

    context_key = "attribute_translations_by_language"

    def batch_load(self, keys):
        return _by_language(AttributeTranslation, "attribute_id", keys)


class AttributeValueTranslationsByLanguageLoader(DataLoader):
    context_key = "attribute_value_translations_by_language"

    def batch_load(self, keys):
        return _by_language(AttributeValueTranslation, "attribute_value_id", keys)


def find_translation(info, loader_class, owner_id: int, code: str):
    """The translation in `code`, else in its base language (en-us falls back to en), else None."""
    loader = loader_class.for_context(info.context)
    codes = [code] if "-" not in code else [code, code.split("-", 1)[0]]
    loader.prime_keys(codes)
    for candidate in codes:
        row = loader.load(candidate).get(owner_id)
        if row is not None:
            return row
    return None
