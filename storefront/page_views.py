"""Content pages edited by staff (content.Page): contact, operating regulations, policies, "OCOP là gì?"."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from marketplace.content.selectors import page_by_slug
from marketplace.core.money import format_vnd
from marketplace.shipping.selectors import shipping_table


def _cheapest_fee() -> str:
    fees = [fee for rates in shipping_table().zones.values() for _, fee in rates.brackets]
    return "từ " + format_vnd(min(fees)) if fees else "0 ₫"


# Figures the policies quote that the code also enforces: staff write the placeholder, the page shows the
# configured value, so the returns policy cannot drift from what marketplace/money allows.
PLACEHOLDERS = {
    "[[so_ngay_doi_tra]]": lambda: str(settings.MONEY_RETURN_WINDOW_DAYS),
    # The rate table (marketplace/shipping) prices by zone and weight: the cheapest fee it charges.
    "[[phi_giao_hang]]": _cheapest_fee,
    "[[mien_phi_giao_tu]]": lambda: format_vnd(shipping_table().default_free_over),
}


def fill_placeholders(html: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        if placeholder in html:
            html = html.replace(placeholder, value())
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
