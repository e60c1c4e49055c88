import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from marketplace.catalog.selectors import product_active_certification
from marketplace.core.money import format_vnd

register = template.Library()

# The same escaping json_script uses, so a product name can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def vnd(amount) -> str:
    return format_vnd(int(amount or 0))


@register.simple_tag
def active_certification(product):
    return product_active_certification(product)


@register.simple_tag
def min_price(product) -> int | None:
    prices = [variant.price_amount for variant in product.variants.all()]
    return min(prices) if prices else None


@register.simple_tag
def in_stock(product) -> bool:
    for variant in product.variants.all():
        stock = getattr(variant, "stock", None)
        if stock is not None and stock.quantity_available > 0:
            return True
    return False


@register.filter
def available(variant) -> int:
    stock = getattr(variant, "stock", None)
    return stock.quantity_available if stock is not None else 0


@register.simple_tag
def json_ld(data) -> str:
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
