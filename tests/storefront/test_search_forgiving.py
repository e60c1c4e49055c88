"""Search that forgives without flooding, on the demo catalogue (issue 17's acceptance queries) and on
factories: the expected products first, near matches capped, a suggestion for a misspelt query, constant
queries, and the API's `search:` through the same selector."""

import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.core.demo.loader import demo_load
from marketplace.search.backends.base import SearchQuery
from marketplace.search.selectors import search_products
from tests.factories import ProducerFactory, visible_product
from tests.marketplace.core.test_demo import _expected_visible

pytestmark = pytest.mark.django_db

SEARCH_QUERIES = 3  # categories, search (ids + facets in one statement), product cards
# A query with an unknown word: the first search (exact, then the capped near pass), the vocabulary (the
# visible products' phrases, every indexed word), the corrected search.
SPELLING_QUERIES = 1 + 2 + 1


def _names(html: str) -> list[str]:
    return re.findall(r'<h3[^>]*><a href="/products/[^"]+/">([^<]+)</a>', html)


def _suggestion(html: str) -> str | None:
    found = re.search(r'data-search-suggestion="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()
    return set(_expected_visible(timezone.localdate()))


@pytest.mark.parametrize(
    ("query", "first", "suggestion"),
    [
        ("caphe son la", "Cà phê bột nguyên chất", "cà phê Sơn La"),
        ("ca phe son lla", "Cà phê bột nguyên chất", "cà phê Sơn La"),
        ("tra shan tuyet", "Chè shan tuyết Ôn Ốc", None),  # no typo: "trà" is a word of the catalogue
        ("mat ong rung", "Mật ong Quyết Thắng", None),
    ],
)
def test_acceptance_queries_on_the_demo(client, demo, settings, query, first, suggestion):
    assert first in demo
    html = client.get("/search/", {"q": query}).content.decode()
    names = _names(html)
    assert names[0] == first
    assert len(names) <= settings.SEARCH_NEAR_MATCHES
    assert _suggestion(html) == suggestion
    if suggestion:
        assert f'href="/search/?q={quote(suggestion)}"' in html
        again = client.get("/search/", {"q": suggestion}).content.decode()
        assert _names(again)[0] == first and _suggestion(again) is None


def test_caphe_son_la_no_longer_floods_with_every_son_la_product(demo):
    son_la = search_products(SearchQuery(text="son la", limit=100))
    assert son_la.total >= 15  # the province alone: every Sơn La product, rightly
    typed = search_products(SearchQuery(text="caphe son la", limit=100))
    assert (typed.fuzzy, typed.suggestion) == (False, "cà phê Sơn La")
    names = set(Product.objects.filter(pk__in=typed.product_ids).values_list("name", flat=True))
    assert names == {name for name in demo if name.startswith("Cà phê")}  # both from Sơn La


def _shop(*names_and_provinces):
    return [
        visible_product(name=name, slug=f"p{i}", producer=ProducerFactory(name=f"HTX {i}", province=province))
        for i, (name, province) in enumerate(names_and_provinces)
    ]


def test_near_matches_are_capped_and_ranked(client, settings):
    settings.SEARCH_NEAR_MATCHES = 3
    _shop(*[(f"Chè xanh loại {i}", "son-la") for i in range(6)], ("Mật ong rừng", "lao-cai"))
    # No product holds "xanh", "son", "la" and "qwzx" together: all-but-one matches six products, three shown.
    result = search_products(SearchQuery(text="che xanh son la qwzx", limit=50))
    assert (result.fuzzy, result.total, len(result.product_ids)) == (True, 3, 3)


def test_typing_without_spaces_and_exact_results_with_factories(client):
    _shop(("Mật ong rừng Tây Bắc", "son-la"), ("Trà shan tuyết cổ thụ", "tuyen-quang"), ("Tỏi đen", "son-la"))
    html = client.get("/search/", {"q": "matong"}).content.decode()
    assert (_names(html), _suggestion(html)) == (["Mật ong rừng Tây Bắc"], "mật ong")
    html = client.get("/search/", {"q": "shantuyet"}).content.decode()
    assert (_names(html), _suggestion(html)) == (["Trà shan tuyết cổ thụ"], "shan tuyết")
    html = client.get("/search/", {"q": "mật ong"}).content.decode()
    assert (_names(html), _suggestion(html)) == (["Mật ong rừng Tây Bắc"], None)


def test_a_hidden_products_words_are_never_suggested(client):
    from tests.factories import ProductFactory

    ProductFactory(name="Rượu táo mèo", is_published=False)
    _shop(("Mật ong", "son-la"))
    html = client.get("/search/", {"q": "ruou tao meoo"}).content.decode()
    assert _suggestion(html) is None and _names(html) == []


@pytest.mark.parametrize("size", [1, 30])
def test_search_pages_run_constant_queries(client, django_assert_num_queries, size):
    _shop(*[(f"Cà phê hạt {i}", "son-la") for i in range(size)])
    with django_assert_num_queries(SEARCH_QUERIES):
        assert len(_names(client.get("/search/", {"q": "ca phe"}).content.decode())) == min(size, 24)
    with django_assert_num_queries(SEARCH_QUERIES + SPELLING_QUERIES):
        html = client.get("/search/", {"q": "caphe son lla"}).content.decode()
    assert _suggestion(html) == "cà phê Sơn La" and len(_names(html)) == min(size, 24)


def test_long_queries_are_bounded(client):
    _shop(("Cà phê", "son-la"))
    words = " ".join(["caphe"] * 40) + "x" * 500
    response = client.get("/search/", {"q": words})
    assert response.status_code == 200
    assert _suggestion(response.content.decode()) == " ".join(["cà phê"] * 8)


def test_the_api_search_argument_forgives_too(demo):
    from tests.marketplace.graphql.conftest import Api

    query = 'query { products(first: 5, filter: {search: "caphe son la"}) { edges { node { name } } } }'
    edges = Api().data(query)["products"]["edges"]
    assert edges[0]["node"]["name"] == "Cà phê bột nguyên chất"
