"""The search backend contract: the same searches, with the same expected results, against every backend.

PostgreSQL always; Elasticsearch when ELASTICSEARCH_URL is set (an index with a unique prefix is built from
the same catalogue and dropped afterwards). Without a server, test_elasticsearch_backend.py checks the index
definition and the request bodies exactly.
"""

import os
import uuid

import pytest
from django.utils import timezone

from marketplace.catalog import services as catalog_services
from marketplace.producers.policies import SYSTEM_TASK
from marketplace.search.backends.base import SearchFilters, SearchQuery
from marketplace.search.backends.postgres import PostgresBackend
from marketplace.search.selectors import _backend_for
from marketplace.search.services import search_index_dirty_batch
from tests.factories import ProducerFactory, moderator, visible_product
from tests.factories.storefront import invisible_products

pytestmark = pytest.mark.django_db
ES_BACKEND = "marketplace.search.backends.elasticsearch.ElasticsearchBackend"


@pytest.fixture
def catalogue():
    bich_thao = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao", province="son-la")
    tay_bac = ProducerFactory(
        name="Công ty TNHH Trà và Đặc sản Tây Bắc", slug="tay-bac", province="son-la", kind="company"
    )
    ea_tu = ProducerFactory(name="HTX Nông nghiệp Ea Tu", slug="ea-tu", province="dak-lak")
    meo_vac = ProducerFactory(name="HTX Mật ong Mèo Vạc", slug="meo-vac", province="tuyen-quang")
    products = {
        "arabica": visible_product(
            name="Cà phê Arabica Sơn La", slug="arabica", producer=bich_thao, stars=5, price=185_000
        ),
        "bot": visible_product(
            name="Cà phê bột nguyên chất", slug="bot", producer=bich_thao, stars=4, price=120_000
        ),
        "tra": visible_product(
            name="Trà Xanh Mây",
            slug="tra-xanh-may",
            producer=tay_bac,
            description="<p>Chè shan tuyết, uống kèm mật ong rất hợp.</p>",
            stars=4,
            price=95_000,
        ),
        "robusta": visible_product(
            name="Cà phê Robusta rang xay", slug="robusta", producer=ea_tu, stars=3, price=150_000
        ),
        "mat_ong": visible_product(
            name="Mật ong bạc hà", slug="mat-ong", producer=meo_vac, stars=4, price=250_000, quantity=0
        ),
        "ruou": visible_product(
            name="Rượu ngô men lá", slug="ruou", producer=meo_vac, stars=3, price=320_000
        ),
    }
    invisible_products()
    return products


class Postgres:
    name = "postgres"

    def __init__(self, settings):
        self.backend = PostgresBackend()

    def sync(self):
        """Make changes made since the last sync searchable (nothing to do: it searches the live tables)."""


class Elasticsearch:
    name = "elasticsearch"

    def __init__(self, settings):
        from marketplace.search.backends.elasticsearch import ElasticsearchBackend

        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.ELASTICSEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
        settings.ELASTICSEARCH_REPLICAS = 0
        settings.SEARCH_BACKEND = ES_BACKEND
        _backend_for.cache_clear()
        self.backend = ElasticsearchBackend()
        self.backend.rebuild()

    def sync(self):
        while search_index_dirty_batch(by=SYSTEM_TASK):
            pass
        self.backend.refresh()

    def close(self):
        self.backend.drop()
        _backend_for.cache_clear()


@pytest.fixture(params=["postgres", "elasticsearch"])
def engine(request, catalogue, settings):
    if request.param == "postgres":
        yield Postgres(settings)
        return
    if not os.environ.get("ELASTICSEARCH_URL"):
        pytest.skip("NOTICE: ELASTICSEARCH_URL not set; the contract ran against PostgreSQL only")
    engine = Elasticsearch(settings)
    yield engine
    engine.close()


def run(engine, text: str = "", **query):
    return engine.backend.search(SearchQuery(text=text, **query))


def slugs(engine, catalogue, text: str = "", **query) -> list[str]:
    by_pk = {product.pk: slug for slug, product in ((p.slug, p) for p in catalogue.values())}
    return [by_pk.get(pk, f"?{pk}") for pk in run(engine, text, **query).product_ids]


def test_diacritics_and_case_do_not_matter(engine, catalogue):
    expected = slugs(engine, catalogue, "ca phe son la")
    assert expected == ["arabica", "bot"]  # all four words in Arabica's name; Bích Thao is from Sơn La
    for text in ["cà phê Sơn La", "CA PHE SON LA", "Cà Phê sơn la"]:
        assert slugs(engine, catalogue, text) == expected


def test_name_matches_rank_above_producer_then_description(engine, catalogue):
    # Name, then the product of the "Mật ong" producer, then the one whose description mentions it.
    assert slugs(engine, catalogue, "mật ong") == ["mat-ong", "ruou", "tra-xanh-may"]
    # Three coffees by name (more stars first), none by producer alone.
    assert slugs(engine, catalogue, "ca phe") == ["arabica", "bot", "robusta"]


def test_producer_and_province_words_find_products(engine, catalogue):
    assert slugs(engine, catalogue, "bich thao") == ["arabica", "bot"]
    assert slugs(engine, catalogue, "Tây Bắc") == ["tra-xanh-may"]
    assert slugs(engine, catalogue, "dak lak") == ["robusta"]


def test_near_matches_are_flagged(engine, catalogue):
    result = run(engine, "ca phe son lla")
    found = slugs(engine, catalogue, "ca phe son lla")
    assert "arabica" in found and "mat-ong" not in found
    assert result.fuzzy is True
    assert slugs(engine, catalogue, "arabicca")[:1] == ["arabica"]
    assert run(engine, "ca phe").fuzzy is False


def test_nonsense_and_symbols_give_empty_results(engine, catalogue):
    for text in ["zzqxj vwpkk", "!!!", "'; DROP TABLE catalog_product; --", "a" * 500, "%_\\"]:
        result = run(engine, text)
        assert (result.total, result.product_ids) == (0, []), text


def test_invisible_products_are_neither_found_nor_counted(engine, catalogue):
    result = run(engine, "ca phe son la", limit=100)
    assert result.total == 2
    assert result.facets["stars"] == {5: 1, 4: 1}
    assert result.facets["province"] == {"son-la": 2}
    everything = run(engine, limit=100)
    assert everything.total == 6
    assert set(everything.product_ids) == {p.pk for p in catalogue.values()}


def test_facets_count_with_every_filter_but_their_own(engine, catalogue):
    result = run(engine, filters=SearchFilters(stars=(4,)), limit=100)
    assert result.total == 3
    assert result.facets == {
        "stars": {5: 1, 4: 3, 3: 2},
        "province": {"son-la": 2, "tuyen-quang": 1},
        "category": {catalogue["arabica"].category_id: 3},
        "kind": {"cooperative": 2, "company": 1},
        "in_stock": {"true": 2},
    }
    both = run(engine, filters=SearchFilters(stars=(4,), provinces=("son-la",)), limit=100)
    assert both.total == 2
    assert both.facets["province"] == {"son-la": 2, "tuyen-quang": 1}
    assert both.facets["stars"] == {5: 1, 4: 2}


def test_filters(engine, catalogue):
    def ids(**filters):
        return set(slugs(engine, catalogue, filters=SearchFilters(**filters), limit=100))

    assert ids(producer_kinds=("company",)) == {"tra-xanh-may"}
    assert ids(price_min=120_000, price_max=185_000) == {"arabica", "bot", "robusta"}
    assert ids(in_stock=True) == {"arabica", "bot", "tra-xanh-may", "robusta", "ruou"}
    assert ids(producer_ids=(catalogue["mat_ong"].producer_id,)) == {"mat-ong", "ruou"}
    assert ids(provinces=("dak-lak", "tuyen-quang"), stars=(3,)) == {"robusta", "ruou"}
    assert ids(category_ids=(catalogue["arabica"].category_id,)) == set(slugs(engine, catalogue, limit=100))
    scoped = run(engine, filters=SearchFilters(producer_ids=(catalogue["mat_ong"].producer_id,)))
    assert scoped.facets["province"] == {"tuyen-quang": 2}  # a producer scope narrows the facets too


def test_sorts_and_paging(engine, catalogue):
    assert slugs(engine, catalogue, sort="price", limit=100) == [
        "tra-xanh-may",
        "bot",
        "robusta",
        "arabica",
        "mat-ong",
        "ruou",
    ]
    assert slugs(engine, catalogue, sort="-price", limit=2) == ["ruou", "mat-ong"]
    assert slugs(engine, catalogue, sort="newest", limit=100) == [
        "ruou",
        "mat-ong",
        "robusta",
        "tra-xanh-may",
        "bot",
        "arabica",
    ]
    # Stars, then newest first among equals.
    assert slugs(engine, catalogue, sort="stars", limit=100) == [
        "arabica",
        "mat-ong",
        "tra-xanh-may",
        "bot",
        "ruou",
        "robusta",
    ]
    first = run(engine, sort="newest", limit=4)
    second = run(engine, sort="newest", limit=4, offset=4)
    assert len(first.product_ids) == 4 and len(second.product_ids) == 2
    assert first.total == second.total == 6
    assert not set(first.product_ids) & set(second.product_ids)


def test_changes_are_searchable_after_sync(engine, catalogue):
    staff = moderator()
    catalog_services.product_hide(product=catalogue["arabica"], by=staff, reason="Kiểm tra nhãn")
    catalog_services.product_update(product=catalogue["ruou"], name="Rượu ngô Bắc Hà", by=SYSTEM_TASK)
    engine.sync()
    assert slugs(engine, catalogue, "ca phe") == ["bot", "robusta"]
    assert slugs(engine, catalogue, "bac ha") == ["mat-ong", "ruou"]  # equal rank: more stars first
    catalog_services.product_unhide(product=catalogue["arabica"], by=staff)
    engine.sync()
    assert slugs(engine, catalogue, "ca phe") == ["arabica", "bot", "robusta"]
    assert timezone.localdate()  # the lapsed-by-date case is in the catalogue: never found above
