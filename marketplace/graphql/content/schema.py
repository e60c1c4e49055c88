import graphene

from marketplace.content import selectors
from marketplace.graphql.content.types import Menu, Page, PageCountableConnection
from marketplace.graphql.core.connection import connection_field, paginate
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_ids
from marketplace.graphql.core.languages import code_of
from marketplace.graphql.product.filters import bounded
from marketplace.graphql.product.schema import slug_language_code_argument
from marketplace.graphql.product.types import channel_argument, check_channel
from marketplace.graphql.product.where import StringFilterInput, strings


class PageWhereInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slug = graphene.Field(StringFilterInput)


class PageFilterInput(graphene.InputObjectType):
    search = graphene.String()
    slugs = graphene.List(graphene.NonNull(graphene.String))
    ids = graphene.List(graphene.NonNull(graphene.ID))


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
    pages = connection_field(
        PageCountableConnection,
        channel=channel_argument(),
        where=graphene.Argument(PageWhereInput),
        filter=graphene.Argument(PageFilterInput),
        description="Published pages.",
    )

    @staticmethod
    def resolve_pages(root, info, channel=None, where=None, filter=None, **page):
        check_channel(channel)
        queryset = selectors.published_pages()
        for data in (where or {}, filter or {}):
            if data.get("ids") is not None:
                queryset = queryset.filter(pk__in=decode_ids(bounded("ids", data["ids"]), "Page"))
        slugs = strings("slug", (where or {}).get("slug"))
        if slugs is not None:
            queryset = queryset.filter(slug__in=slugs)
        if (filter or {}).get("slugs") is not None:
            queryset = queryset.filter(slug__in=bounded("slugs", filter["slugs"]))
        text = ((filter or {}).get("search") or "").strip()[:200]
        if text:
            queryset = queryset.filter(title__icontains=text)
        return paginate(queryset.order_by("slug", "pk"), info, PageCountableConnection, **page)

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
