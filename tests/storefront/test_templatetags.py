"""The storefront's template tags and filters where they stand in for Django's own."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from storefront.templatetags.ocop import ocop_badge, slug_url


@pytest.mark.parametrize("view_name", ["storefront:product", "storefront:producer", "storefront:category"])
@pytest.mark.parametrize("slug", ["arabica", "ca-phe_son-la-2", "0slug0", "x"])
def test_slug_url_is_what_reverse_gives(view_name, slug):
    assert slug_url(slug, view_name) == reverse(view_name, args=[slug])


def test_slug_url_follows_the_script_prefix():
    try:
        set_script_prefix("/cho/")
        assert slug_url("arabica", "storefront:product") == "/cho/products/arabica/"
    finally:
        set_script_prefix("/")
    assert slug_url("arabica", "storefront:product") == "/products/arabica/"


def test_slug_url_leaves_anything_but_a_slug_to_reverse():
    with pytest.raises(NoReverseMatch):
        slug_url("cà phê", "storefront:product")
    with pytest.raises(NoReverseMatch):
        slug_url("a/b", "storefront:product")


def test_badge_is_the_same_markup_in_both_languages():
    html = engines["django"].from_string("{% load ocop %}{% ocop_badge stars %}").render({"stars": 4})
    assert html == (
        '<span class="ocop-badge stars-4" data-ocop-stars="4" role="img" aria-label="OCOP 4 sao">'
        'OCOP 4 sao <span aria-hidden="true">★★★★</span></span>'
    )
    with translation.override("en"):
        assert ocop_badge(4) == html
