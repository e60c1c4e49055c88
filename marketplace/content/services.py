from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from marketplace.content.models import Page
from marketplace.core.html import sanitize_description
from marketplace.core.text import slugify_vi
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
