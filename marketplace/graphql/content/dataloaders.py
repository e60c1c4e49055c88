from marketplace.content.models import MenuItemTranslation, PageTranslation
from marketplace.graphql.core.languages import TranslationLoader
from marketplace.graphql.product.dataloaders import prime_groups


class PageTranslationLoader(TranslationLoader):
    context_key = "page_translation"
    model = PageTranslation
    owner_field = "page"


class MenuItemTranslationLoader(TranslationLoader):
    context_key = "menu_item_translation"
    model = MenuItemTranslation
    owner_field = "menu_item"


def prime_menu_items(context, items) -> None:
    """A menu's items (prefetched with their targets) were loaded: announce their translations and those of
    the categories, collections and pages they point at."""
    items = list(items)
    MenuItemTranslationLoader.for_context(context).prime_keys(item.pk for item in items)
    PageTranslationLoader.for_context(context).prime_keys(item.page_id for item in items)
    prime_groups(context, [item.category for item in items if item.category_id is not None])
    prime_groups(context, [item.collection for item in items if item.collection_id is not None])
