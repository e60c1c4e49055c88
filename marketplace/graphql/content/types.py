import graphene

from marketplace.content import models
from marketplace.graphql.attribute.types import AssignedAttribute, PositiveInt
from marketplace.graphql.core.connection import CountableConnection
from marketplace.graphql.core.editorjs import html_to_editorjs


class PageType(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)


_DEFAULT_PAGE_TYPE = {"id": 1, "name": "Trang nội dung", "slug": "content"}


class Page(graphene.ObjectType):
    title = graphene.String(required=True)
    slug = graphene.String(required=True)
    content = graphene.JSONString(description="Content of the page in EditorJS format.")
    seo_title = graphene.String()
    seo_description = graphene.String()
    is_published = graphene.Boolean(required=True)
    created = graphene.DateTime(required=True)
    page_type = graphene.Field(PageType, required=True)
    assigned_attribute = graphene.Field(AssignedAttribute, slug=graphene.String(required=True))
    assigned_attributes = graphene.List(
        graphene.NonNull(AssignedAttribute),
        required=True,
        limit=graphene.Argument(PositiveInt, default_value=100),
        description="Always empty: pages carry no attributes.",
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "A static page, e.g. about."

    @staticmethod
    def resolve_assigned_attribute(root, info, slug):
        return None

    @staticmethod
    def resolve_assigned_attributes(root, info, limit=100):
        return []

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Page)

    @staticmethod
    def resolve_content(root, info):
        return html_to_editorjs(root.content)

    @staticmethod
    def resolve_seo_title(root, info):
        return root.seo_title or None

    @staticmethod
    def resolve_seo_description(root, info):
        return root.seo_description or None

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_page_type(root, info):
        return PageType(**_DEFAULT_PAGE_TYPE)


class PageCountableConnection(CountableConnection):
    class Meta:
        node = Page


class MenuItem(graphene.ObjectType):
    name = graphene.String(required=True)
    menu = graphene.Field(lambda: Menu, required=True)
    parent = graphene.Field(lambda: MenuItem)
    level = graphene.Int(required=True)
    children = graphene.List(graphene.NonNull(lambda: MenuItem))
    url = graphene.String(description="URL to the menu item.")
    category = graphene.Field("marketplace.graphql.product.types.Category")
    collection = graphene.Field("marketplace.graphql.product.types.Collection")
    page = graphene.Field(Page)

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.MenuItem)

    @staticmethod
    def resolve_level(root, info):
        return 0 if root.parent_id is None else 1

    @staticmethod
    def resolve_children(root, info):
        # Prefetched by content.selectors.menu_by_slug for the two levels a storefront renders.
        return list(root.children.all())

    @staticmethod
    def resolve_url(root, info):
        return root.url or None

    @staticmethod
    def resolve_page(root, info):
        page = root.page
        return page if page is not None and page.is_published else None


class Menu(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    items = graphene.List(graphene.NonNull(MenuItem))

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Menu)

    @staticmethod
    def resolve_items(root, info):
        items = getattr(root, "root_items", None)
        return items if items is not None else list(root.items.filter(parent__isnull=True))
