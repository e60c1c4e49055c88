"""Vietnamese search on PostgreSQL (unaccent + full text + pg_trgm) through the search_products selector."""

import pytest

from marketplace.search.backends.base import SearchFilters, SearchQuery
from marketplace.search.backends.postgres import query_words
from marketplace.search.selectors import search_backend, search_products, visible_product_cards_in_order
from tests.factories import ProducerFactory, visible_product
from tests.factories.storefront import invisible_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    bich_thao = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao", province="son-la")
    tay_bac = ProducerFactory(
        name="Công ty TNHH Trà và Đặc sản Tây Bắc", slug="tay-bac", province="son-la", kind="company"
    )
    dak_lak = ProducerFactory(name="HTX Nông nghiệp Ea Tu", slug="ea-tu", province="dak-lak")
    honey = ProducerFactory(name="HTX Mật ong Mèo Vạc", slug="meo-vac", province="tuyen-quang")
    return {
        "arabica": visible_product(
            name="Cà phê Arabica Sơn La", slug="arabica", producer=bich_thao, stars=5, price=185_000
        ),
        "bot": visible_product(name="Cà phê bột nguyên chất", slug="bot", producer=bich_thao, stars=4),
        "tra": visible_product(
            name="Trà Xanh Mây",
            slug="tra-xanh-may",
            producer=tay_bac,
            description="<p>Chè shan tuyết, uống kèm mật ong rất hợp.</p>",
            stars=4,
        ),
        "robusta": visible_product(name="Cà phê Robusta rang xay", slug="robusta", producer=dak_lak, stars=3),
        "mat_ong": visible_product(name="Mật ong bạc hà", slug="mat-ong", producer=honey, stars=4),
        "ruou": visible_product(name="Rượu ngô men lá", slug="ruou", producer=honey, stars=3),
    }


def slugs(text: str, **query) -> list[str]:
    result = search_products(SearchQuery(text=text, **query))
    return [card["slug"] for card in visible_product_cards_in_order(result.product_ids)]


def test_query_words_fold_vietnamese():
    assert query_words("Cà phê  SƠN-La!") == ["ca", "phe", "son", "la"]
    assert query_words("Đặc sản") == ["dac", "san"]
    assert query_words("!!! ???") == []


def test_with_and_without_diacritics_and_case_find_the_same_products(catalogue):
    expected = slugs("ca phe son la")
    assert expected[0] == "arabica"
    assert set(expected) == {"arabica", "bot"}  # both Bích Thao coffees are from Sơn La
    assert slugs("cà phê Sơn La") == expected
    assert slugs("CA PHE SON LA") == expected
    assert slugs("Cà Phê sơn la") == expected


def test_typo_still_finds_and_is_flagged_as_near_match(catalogue):
    # The selector corrects the word from the catalogue's vocabulary and says so (search/spelling.py) ...
    result = search_products(SearchQuery(text="ca phe son lla"))
    found = [card["slug"] for card in visible_product_cards_in_order(result.product_ids)]
    assert "arabica" in found
    assert (result.fuzzy, result.suggestion) == (False, "cà phê Sơn La")
    assert "mat-ong" not in found
    # ... the backend alone finds it as a near match.
    near = search_backend().search(SearchQuery(text="ca phe son lla"))
    assert near.fuzzy is True
    assert "arabica" in [card["slug"] for card in visible_product_cards_in_order(near.product_ids)]
    assert slugs("arabicca")[:1] == ["arabica"]


def test_name_matches_rank_above_producer_and_description_matches(catalogue):
    found = slugs("mật ong")
    # In the name first; then the product of the "Mật ong" producer and the one whose description says it.
    assert found[0] == "mat-ong"
    assert found == ["mat-ong", "ruou", "tra-xanh-may"]
    found = slugs("ca phe")
    assert set(found[:3]) == {"arabica", "bot", "robusta"}


def test_producer_name_finds_its_products(catalogue):
    assert set(slugs("bich thao")) == {"arabica", "bot"}
    assert set(slugs("Tây Bắc")) == {"tra-xanh-may"}


def test_absurd_and_symbol_queries_give_empty_results_not_errors(catalogue):
    for text in ["zzqxj vwpkk", "!!!", "'; DROP TABLE catalog_product; --", "a" * 500, "%_\\"]:
        result = search_products(SearchQuery(text=text))
        assert result.total == 0
        assert result.product_ids == []


def test_invisible_products_never_found_nor_counted(catalogue):
    invisible_products()
    result = search_products(SearchQuery(text="ca phe son la", limit=100))
    assert {card["slug"] for card in visible_product_cards_in_order(result.product_ids)} == {"arabica", "bot"}
    assert result.total == 2
    assert result.facets["stars"] == {5: 1, 4: 1}
    assert result.facets["province"] == {"son-la": 2}
    everything = search_products(SearchQuery(limit=100))
    assert everything.total == 6
    assert sum(everything.facets["stars"].values()) == 6
    assert sum(everything.facets["province"].values()) == 6
    assert not {"an-hidden", "an-unpublished", "an-expired", "an-lapsed", "an-revoked"} & {
        card["slug"] for card in visible_product_cards_in_order(everything.product_ids)
    }


def test_filters_and_facets_count_with_every_other_filter(catalogue):
    result = search_products(SearchQuery(filters=SearchFilters(stars=(4,)), limit=100))
    assert result.total == 3
    # The stars facet ignores its own filter (so shoppers can add 5 stars) ...
    assert result.facets["stars"] == {5: 1, 4: 3, 3: 2}
    # ... the others count only 4-star products.
    assert result.facets["province"] == {"son-la": 2, "tuyen-quang": 1}
    both = search_products(SearchQuery(filters=SearchFilters(stars=(4,), provinces=("son-la",)), limit=100))
    assert both.total == 2
    assert both.facets["province"] == {"son-la": 2, "tuyen-quang": 1}
    kinds = search_products(SearchQuery(filters=SearchFilters(producer_kinds=("company",)), limit=100))
    assert [catalogue["tra"].pk] == kinds.product_ids
    priced = search_products(SearchQuery(filters=SearchFilters(price_min=180_000, price_max=190_000)))
    assert set(priced.product_ids) == {p.pk for p in catalogue.values()}  # all at 185.000 ₫


def test_in_stock_filter_and_sorts(catalogue):
    cheap = visible_product(name="Chè búp khô", slug="che-bup", price=90_000, quantity=0, stars=5)
    result = search_products(SearchQuery(filters=SearchFilters(in_stock=True), limit=100))
    assert cheap.pk not in result.product_ids
    assert result.facets["in_stock"] == {"true": 6}
    by_price = search_products(SearchQuery(sort="price", limit=100)).product_ids
    assert by_price[0] == cheap.pk
    by_price_desc = search_products(SearchQuery(sort="-price", limit=100)).product_ids
    assert by_price_desc[-1] == cheap.pk
    newest = search_products(SearchQuery(sort="newest", limit=1)).product_ids
    assert newest == [cheap.pk]
    stars = search_products(SearchQuery(sort="stars", limit=100)).product_ids
    assert set(stars[:2]) == {cheap.pk, catalogue["arabica"].pk}


def test_paging_is_stable(catalogue):
    first = search_products(SearchQuery(sort="newest", limit=4)).product_ids
    second = search_products(SearchQuery(sort="newest", limit=4, offset=4)).product_ids
    assert len(first) == 4 and len(second) == 2
    assert not set(first) & set(second)
