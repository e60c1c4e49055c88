from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from marketplace.content.models import MenuItem, MenuItemTranslation, Page, PageTranslation
from marketplace.core.html import sanitize_description
from marketplace.core.text import slugify_vi
from marketplace.core.translations import translation_save
from marketplace.producers.policies import Actor, require_staff_with


@transaction.atomic
def page_create(
    *,
    title: str,
    content: str = "",
    slug: str | None = None,
    is_published: bool = True,
    seo_title: str = "",
    seo_description: str = "",
    by: Actor,
) -> Page:
    require_staff_with(by, "content.add_page")
    page = Page(
        title=title.strip(),
        slug=slug or slugify_vi(title),
        content=sanitize_description(content),
        is_published=is_published,
        seo_title=seo_title[:120],
        seo_description=seo_description[:300],
    )
    page.full_clean()
    page.save()
    return page


PAGE_FIELDS = ("title", "slug", "content", "is_published", "seo_title", "seo_description")


@transaction.atomic
def page_update(*, page: Page, by: Actor, **changes: Any) -> Page:
    """Staff edit a page; its HTML is sanitised like every description."""
    require_staff_with(by, "content.change_page")
    unknown = set(changes) - set(PAGE_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}")
    if "content" in changes:
        changes["content"] = sanitize_description(changes["content"])
    page = Page.objects.select_for_update().get(pk=page.pk)
    for field, value in changes.items():
        setattr(page, field, value)
    page.full_clean()
    page.save()
    return page


PAGE_CONTENT_MAX_LENGTH = 100_000


@transaction.atomic
def page_translation_set(
    *,
    page: Page,
    language_code: str,
    title: str,
    content: str = "",
    seo_title: str = "",
    seo_description: str = "",
    by: Actor,
) -> PageTranslation | None:
    """Staff translate a page; its HTML is sanitised like the page's own. All fields empty removes it."""
    require_staff_with(by, "content.change_page")
    return translation_save(
        PageTranslation,
        owner_field="page",
        owner=page,
        language_code=language_code,
        values={
            "title": title,
            "content": content,
            "seo_title": seo_title,
            "seo_description": seo_description,
        },
        max_lengths={
            "title": 250,
            "content": PAGE_CONTENT_MAX_LENGTH,
            "seo_title": 120,
            "seo_description": 300,
        },
        rich_text="content",
        slug_from="title",
    )


@transaction.atomic
def menu_item_translation_set(
    *, menu_item: MenuItem, language_code: str, name: str, by: Actor
) -> MenuItemTranslation | None:
    """Staff translate a menu entry's label."""
    require_staff_with(by, "content.change_menu")
    return translation_save(
        MenuItemTranslation,
        owner_field="menu_item",
        owner=menu_item,
        language_code=language_code,
        values={"name": name},
        max_lengths={"name": 128},
    )
