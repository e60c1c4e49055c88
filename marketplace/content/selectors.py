from django.db.models import Prefetch, QuerySet

from marketplace.content.models import Menu, MenuItem, Page


def published_pages() -> QuerySet[Page]:
    return Page.objects.filter(is_published=True)


def page_by_slug(*, slug: str) -> Page | None:
    return published_pages().filter(slug=slug).first()


def menu_by_slug(*, slug: str) -> Menu | None:
    """A menu with its two levels of items and their targets, in a constant number of queries."""
    items = MenuItem.objects.select_related("category", "collection", "page").order_by("sort_order", "id")
    return (
        Menu.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("items", queryset=items.filter(parent__isnull=True), to_attr="root_items"),
            Prefetch("root_items__children", queryset=items),  # type: ignore[misc]  # to_attr above
        )
        .first()
    )
