"""Saleor's translation types of the catalogue: what `translation(languageCode)` answers on products,
variants, categories and collections (null where no translation exists; the client shows the base field)."""

import graphene

from marketplace.catalog import models
from marketplace.graphql.core.editorjs import rich_text
from marketplace.graphql.core.languages import LanguageDisplay, TranslationResolvers, blank_to_none


class _Described(TranslationResolvers):
    """Fields of the product, category and collection translations (graphene collects them from bases)."""

    language = graphene.Field(LanguageDisplay, required=True, description="Translation language.")
    seo_title = graphene.String()
    seo_description = graphene.String()
    slug = graphene.String()
    name = graphene.String()
    description = graphene.JSONString(description="Translated description. Rich text format (EditorJS).")
    description_json = graphene.JSONString(deprecation_reason="Use the `description` field instead.")

    @staticmethod
    def resolve_name(root, info):
        return blank_to_none(root.name)

    @staticmethod
    def resolve_description(root, info):
        return rich_text(info, root.description)

    @staticmethod
    def resolve_description_json(root, info):
        return rich_text(info, root.description)


class ProductTranslation(_Described, graphene.ObjectType):
    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents product translations."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.ProductTranslation)


class ProductVariantTranslation(TranslationResolvers, graphene.ObjectType):
    language = graphene.Field(LanguageDisplay, required=True, description="Translation language.")
    name = graphene.String(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents product variant translations."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.ProductVariantTranslation)

    @staticmethod
    def resolve_name(root, info):
        return root.name


class CategoryTranslation(_Described, graphene.ObjectType):
    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents category translations."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.CategoryTranslation)


class CollectionTranslation(_Described, graphene.ObjectType):
    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents collection translations."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.CollectionTranslation)
