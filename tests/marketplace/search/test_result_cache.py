"""The PostgreSQL backend's optional result cache (SEARCH_RESULT_CACHE_SECONDS): answers are reused until a
service reports a product change (after commit) or the day changes; off by default."""

import datetime

import pytest
from django.core.cache import cache

from marketplace.catalog import services as catalog_services
from marketplace.search.backends.base import SearchQuery
from marketplace.search.selectors import search_products
from tests.factories import moderator, visible_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def result_cache(settings):
    settings.SEARCH_RESULT_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_off_by_default_every_search_reads_the_database(django_assert_num_queries, settings):
    assert settings.SEARCH_RESULT_CACHE_SECONDS == 0
    visible_product(name="Mật ong hoa rừng")
    with django_assert_num_queries(1):
        search_products(SearchQuery(text="mat ong"))
    with django_assert_num_queries(1):
        assert search_products(SearchQuery(text="mat ong")).total == 1


def test_a_repeated_search_is_answered_from_the_cache(result_cache, django_assert_num_queries):
    product = visible_product(name="Mật ong hoa rừng", stars=4)
    first = search_products(SearchQuery(text="mat ong"))
    with django_assert_num_queries(0):
        again = search_products(SearchQuery(text="mat ong"))
    assert again.product_ids == first.product_ids == [product.pk]
    assert (
        again.facets
        == first.facets
        == {
            "stars": {4: 1},
            "province": {product.producer.province: 1},
            "category": {product.category_id: 1},
            "kind": {product.producer.kind: 1},
            "in_stock": {"true": 1},
        }
    )
    with django_assert_num_queries(1):  # another query is another answer
        assert search_products(SearchQuery(text="mat ong", sort="newest")).total == 1


def test_a_change_through_a_service_drops_cached_answers_after_commit(
    result_cache, django_capture_on_commit_callbacks
):
    product = visible_product(name="Mật ong hoa rừng", stars=4)
    assert search_products(SearchQuery()).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_hide(
            product=product,
            by=moderator(),
            reason="Ảnh sai",
        )
    result = search_products(SearchQuery())
    assert (result.total, result.product_ids, result.facets["stars"]) == (0, [], {})


def test_a_new_day_is_a_new_answer(result_cache, monkeypatch):
    product = visible_product(name="Mật ong hoa rừng")
    cert = product.certifications.get()
    assert search_products(SearchQuery()).total == 1
    from django.utils import timezone

    day_after = cert.valid_until + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day_after)
    assert search_products(SearchQuery()).total == 0
