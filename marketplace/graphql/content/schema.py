import graphene

from marketplace.content import selectors
from marketplace.graphql.content.types import Menu, Page
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.languages import code_of
from marketplace.graphql.product.schema import slug_language_code_argument
from marketplace.graphql.product.types import channel_argument, check_channel


class ContentQueries(graphene.ObjectType):
    menu = graphene.Field(
        Menu,
        slug=graphene.String(description="The menu's slug, e.g. navbar or footer."),
        name=graphene.String(description="The menu's name."),
        channel=channel_argument(),
        description="Look up a navigation menu by slug or name.",
    )
    page = graphene.Field(
        Page,
        slug=graphene.String(),
        slug_language_code=slug_language_code_argument(),
        description="Look up a published page by slug (or by its translated slug in `slugLanguageCode`).",
    )

    @staticmethod
    def resolve_menu(root, info, slug=None, name=None, channel=None):
        check_channel(channel)
        if slug is None and name is None:
            raise BadRequest("Provide the `slug` or `name` argument.")
        return selectors.menu_by_slug(slug=slug if slug is not None else (name or "").lower())

    @staticmethod
    def resolve_page(root, info, slug=None, slug_language_code=None):
        if slug is None:
            raise BadRequest("Provide the `slug` argument.")
        return selectors.page_by_slug(slug=slug, language_code=code_of(slug_language_code))
