import json
import re
from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext

from marketplace.catalog.models import units_available
from marketplace.catalog.selectors import product_active_certification
from marketplace.core.money import format_vnd

register = template.Library()

# The same escaping json_script uses, so a product name can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def vnd(amount) -> str:
    return format_vnd(int(amount or 0))


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SLUG_MARK = "0slug0"


@register.filter
def slug_url(slug: str, view_name: str) -> str:
    """`{% url view_name slug %}` for a route whose one argument is a <slug:>: the route is reversed once
    and the slug put in its place, since a listing links each of its dozens of cards twice and {% url %}
    cost as much as the rest of a card. Anything but a plain slug goes through reverse() itself."""
    if not _SLUG.fullmatch(slug):
        return reverse(view_name, args=[slug])
    head, tail = _slug_route(view_name, get_script_prefix(), get_urlconf(), get_language())
    return head + slug + tail


@lru_cache(maxsize=64)
def _slug_route(view_name: str, script_prefix: str, urlconf, language: str) -> tuple[str, str]:
    # The key holds everything reverse() reads besides its arguments.
    head, _, tail = reverse(view_name, urlconf=urlconf, args=[_SLUG_MARK]).rpartition(_SLUG_MARK)
    return head, tail


@register.simple_tag
@lru_cache(maxsize=8)
def ocop_badge(stars: int) -> str:
    """The OCOP star badge (3, 4 or 5 stars); built once per star count, it shows on every card."""
    return format_html(
        '<span class="ocop-badge stars-{0}" data-ocop-stars="{0}" role="img" aria-label="OCOP {0} sao">'
        'OCOP {0} sao <span aria-hidden="true">{1}</span></span>',
        stars,
        "★" * int(stars),
    )


@register.simple_tag
def rating_summary(average, count: int) -> str:
    """Buyers' rating: `data-rating-average` with one decimal and a dot, `data-rating-count`."""
    value = f"{average:.1f}"
    label = ngettext(
        "%(average)s trên 5 sao, %(count)d đánh giá", "%(average)s trên 5 sao, %(count)d đánh giá", count
    ) % {"average": value.replace(".", ","), "count": count}
    return format_html(
        '<span class="rating" data-rating-average="{0}" data-rating-count="{1}" role="img" aria-label="{2}">'
        '<span aria-hidden="true">★ {3} ({1})</span></span>',
        value,
        count,
        label,
        value.replace(".", ","),
    )


@register.simple_tag
def active_certification(product):
    return product_active_certification(product)


@register.simple_tag
def min_price(product) -> int | None:
    prices = [variant.price_amount for variant in product.variants.all()]
    return min(prices) if prices else None


@register.filter
def available(variant) -> int:
    return units_available(variant)


@register.simple_tag(takes_context=True)
def json_ld(context, data) -> str:
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    # A data block, never executed; the CSP nonce (django-csp) marks it as ours all the same.
    nonce = getattr(context.get("request"), "csp_nonce", None)  # lazy: falsy until read, so test for None
    return format_html(
        '<script type="application/ld+json"{}>{}</script>',
        format_html(' nonce="{}"', str(nonce)) if nonce is not None else "",
        mark_safe(payload),  # noqa: S308
    )


PLACEHOLDER_GROUPS = frozenset(
    ("thuc-pham", "do-uong", "duoc-lieu", "thu-cong-my-nghe", "sinh-vat-canh", "du-lich")
)


@register.filter
def placeholder_url(group_slug: str | None) -> str:
    """The designed picture of a product group (static SVG) for a product without a photo."""
    return _placeholder_url(group_slug if group_slug in PLACEHOLDER_GROUPS else "san-pham")


@lru_cache(maxsize=16)
def _placeholder_url(name: str) -> str:
    return static(f"storefront/placeholders/{name}.svg")
