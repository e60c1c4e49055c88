from django.db.models import QuerySet

from marketplace.content.models import MENU_MAX_ITEMS, Menu, MenuItem, Page


def published_pages() -> QuerySet[Page]:
    return Page.objects.filter(is_published=True)


def page_by_slug(*, slug: str, language_code: str | None = None) -> Page | None:
    """A published page by its slug, or by its translated slug in `language_code` (e.g. `en`)."""
    if language_code is None:
        return published_pages().filter(slug=slug).first()
    return (
        published_pages().filter(translations__language_code=language_code, translations__slug=slug).first()
    )


def menu_by_slug(*, slug: str) -> Menu | None:
    """A menu with its whole tree of items and their targets in two queries (the menu, then all its items:
    at most MENU_MAX_ITEMS), the tree assembled here: `root_items`, and on each item `tree_children` and
    `tree_level`."""
    menu = Menu.objects.filter(slug=slug).first()
    if menu is not None:
        menu_tree(menu)
    return menu


def menu_tree(menu: Menu) -> list[MenuItem]:
    """Loads all items of the menu in one query and links them: `menu.root_items` (returned), each item's
    `tree_children` (ordered) and `tree_level` (0 for a root); `parent` and `menu` are set without a query.
    Items unreachable from a root (a parent in another menu, a cycle) are left out."""
    items = list(
        MenuItem.objects.filter(menu=menu)
        .select_related("category", "collection", "page")
        .order_by("sort_order", "id")[:MENU_MAX_ITEMS]
    )
    by_id = {item.pk: item for item in items}
    children: dict[int, list[MenuItem]] = {}
    for item in items:
        item.menu = menu
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    roots = [item for item in items if item.parent_id is None]
    level, todo = 0, roots
    while todo:
        following = []
        for item in todo:
            item.tree_level = level
            item.tree_children = children.get(item.pk, [])
            for child in item.tree_children:
                child.parent = by_id[item.pk]
            following.extend(item.tree_children)
        level, todo = level + 1, following
    menu.root_items = roots
    return roots
