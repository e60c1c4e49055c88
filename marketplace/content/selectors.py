from django.db.models import Prefetch, QuerySet

from marketplace.content.models import Menu, MenuItem, Page


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
