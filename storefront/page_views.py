"""Content pages edited by staff (content.Page): contact, operating regulations, policies, "OCOP là gì?"."""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from marketplace.content.selectors import page_by_slug
from marketplace.core.money import format_vnd
from marketplace.shipping.selectors import ShippingTable, shipping_table


def _cheapest_fee(table: ShippingTable) -> str:
    fees = [fee for rates in table.zones.values() for _, fee in rates.brackets]
    return "từ " + format_vnd(min(fees)) if fees else "0 ₫"


# Figures the policies quote that the code also enforces: staff write the placeholder, the page shows the
# configured value, so the returns policy cannot drift from what marketplace/money allows. Each takes the
# shipping rate table, read once per page and only when a placeholder needs it.
PLACEHOLDERS: dict[str, Callable[[Callable[[], ShippingTable]], str]] = {
    "[[so_ngay_doi_tra]]": lambda table: str(settings.MONEY_RETURN_WINDOW_DAYS),
    # The rate table (marketplace/shipping) prices by zone and weight: the cheapest fee it charges.
    "[[phi_giao_hang]]": lambda table: _cheapest_fee(table()),
    "[[mien_phi_giao_tu]]": lambda table: format_vnd(table().default_free_over),
}


def fill_placeholders(html: str) -> str:
    table = cache(shipping_table)
    for placeholder, value in PLACEHOLDERS.items():
        if placeholder in html:
            html = html.replace(placeholder, value(table))
    return html


def page_detail(request, slug: str):
    page = page_by_slug(slug=slug)
    if page is None:
        raise Http404("No such page")
    return render(
        request,
        "storefront/page_detail.html",
        {"page": page, "content": fill_placeholders(page.content)},
    )
