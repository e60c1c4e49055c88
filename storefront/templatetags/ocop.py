from django import template

from marketplace.catalog.selectors import product_active_certification
from marketplace.core.money import format_vnd

register = template.Library()


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
