import graphene

from marketplace.content import models, selectors
from marketplace.graphql.attribute.types import AssignedAttribute, PositiveInt
from marketplace.graphql.content.dataloaders import (
    MenuItemTranslationLoader,
    PageTranslationLoader,
    prime_menu_items,
)
from marketplace.graphql.core.connection import CountableConnection
from marketplace.graphql.core.editorjs import rich_text
from marketplace.graphql.core.languages import (
    LanguageDisplay,
    TranslationResolvers,
    blank_to_none,
    load_translation,
    translation_field,
)


class PageType(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)


class PageTranslation(TranslationResolvers, graphene.ObjectType):
    language = graphene.Field(LanguageDisplay, required=True, description="Translation language.")
    seo_title = graphene.String()
    seo_description = graphene.String()
    slug = graphene.String()
    title = graphene.String()
    content = graphene.JSONString(description="Translated content of the page. Rich text format (EditorJS).")
    content_json = graphene.JSONString(deprecation_reason="Use the `content` field instead.")

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents page translations."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.PageTranslation)

    @staticmethod
    def resolve_title(root, info):
        return blank_to_none(root.title)

    @staticmethod
    def resolve_content(root, info):
        return rich_text(info, root.content)

    @staticmethod
    def resolve_content_json(root, info):
        return rich_text(info, root.content)


class MenuItemTranslation(TranslationResolvers, graphene.ObjectType):
    language = graphene.Field(LanguageDisplay, required=True, description="Translation language.")
    name = graphene.String(required=True)

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents menu item's original translatable fields and related translations."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.MenuItemTranslation)


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
    translation = translation_field(
        PageTranslation, "Returns translated page fields for the given language code."
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

    @staticmethod
    def resolve_translation(root, info, language_code):
        return load_translation(info, PageTranslationLoader, root.pk, language_code)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Page)

    @staticmethod
    def resolve_content(root, info):
        return rich_text(info, root.content)

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
    translation = translation_field(
        MenuItemTranslation, "Returns translated menu item fields for the given language code."
    )

    class Meta:
        interfaces = (graphene.relay.Node,)

    @staticmethod
    def resolve_translation(root, info, language_code):
        return load_translation(info, MenuItemTranslationLoader, root.pk, language_code)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.MenuItem)

    @staticmethod
    def resolve_level(root, info):
        return _in_tree(info, root).tree_level

    @staticmethod
    def resolve_children(root, info):
        # The menu's whole tree was loaded at once (content.selectors.menu_tree) and its items primed.
        return _in_tree(info, root).tree_children

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
        return _tree(info, root)


def _tree(info, menu: models.Menu) -> list[models.MenuItem]:
    """The menu's root items, its whole tree loaded in one query (once per request and menu) and every
    item's translations and targets primed for the loaders."""
    roots = getattr(menu, "root_items", None)
    if roots is None:
        roots = selectors.menu_tree(menu)
    if not getattr(menu, "_tree_primed", False):
        prime_menu_items(info.context, _all_items(roots))
        setattr(menu, "_tree_primed", True)  # noqa: B010  # once per request and menu
    return roots


def _all_items(roots: list[models.MenuItem]) -> list[models.MenuItem]:
    """The items of a loaded tree, level by level."""
    items, level = [], list(roots)
    while level:
        items.extend(level)
        level = [child for item in level for child in item.tree_children]
    return items


def _in_tree(info, item: models.MenuItem) -> models.MenuItem:
    """The item as loaded with its menu's tree; an item reached otherwise (e.g. `node`) loads its menu's tree
    once per request."""
    if hasattr(item, "tree_children"):
        return item
    trees = getattr(info.context, "_menu_trees", None)
    if trees is None:
        trees = {}
        info.context._menu_trees = trees
    if item.menu_id not in trees:
        menu = item.menu
        _tree(info, menu)
        trees[item.menu_id] = {each.pk: each for each in _all_items(menu.root_items)}
    loaded = trees[item.menu_id].get(item.pk)
    if loaded is None:  # not reachable from a root of its menu
        item.tree_children, item.tree_level = [], 0
        return item
    return loaded
