"""The shopper's province for shipping estimates: chosen in a small form on the product page and the cart
(no JavaScript needed), kept in the session (shipping.selectors.shopper_province reads it)."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from marketplace.core import provinces
from marketplace.shipping.selectors import (
    SESSION_KEY,
    line_weight,
    shipping_quote,
    shipping_table,
    shopper_province,
    valid_province,
)


@require_POST
def shipping_province(request):
    """Remember the chosen province (an unknown code changes nothing) and go back where the form was."""
    code = valid_province(request.POST.get("province", "")[:40])
    if code:
        request.session[SESSION_KEY] = code
    target = request.POST.get("next", "")[:2000]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


def province_context(request) -> dict:
    """What the province form and the estimates show: one query at most (see shopper_province)."""
    code = shopper_province(session=request.session, user=request.user)
    return {
        "shipping_province": code,
        "shipping_province_name": provinces.name_of(code),
        "shipping_provinces": provinces.CHOICES,
    }


def product_shipping_context(request, product, variants) -> dict:
    """The product page's estimate: one unit of its first variant, from the producer's province to the
    shopper's (three queries for the rate table and the producer's threshold, one for the province)."""
    context = province_context(request)
    variant = variants[0] if variants else None
    if variant is None:
        return {**context, "shipping_quote": None}
    quote = shipping_quote(
        table=shipping_table(producer_ids=[product.producer_id]),
        producer_id=product.producer_id,
        from_province=product.producer.province,
        to_province=context["shipping_province"],
        weight_grams=line_weight(variant.weight_grams, 1),
        subtotal=variant.price_amount,
    )
    return {**context, "shipping_quote": quote}
