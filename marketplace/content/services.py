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
