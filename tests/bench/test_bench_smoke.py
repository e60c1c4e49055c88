"""The benches' data generators against the current schema, at a tiny scale, with one request of each page.

`make bench` fills its own databases with set-based SQL and runs for many minutes, so a model change that
breaks a generator (a new NOT NULL column, a new required row) used to go unnoticed until the next bench run.
These tests run each generator on 50 products in the test database and ask each measured page once.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench import bench_checkout, bench_graphql, bench_import, bench_scale, bench_storefront
from bench.ceiling import CEILING_HTML, CEILING_PATH
from marketplace.catalog.models import Product, ProductImage
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.producers.models import Producer

pytestmark = pytest.mark.django_db


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _storefront_pages() -> list[bench_storefront.Page]:
    product = products_visible_to_shoppers().filter(slug__startswith="bench-product-").order_by("pk").first()
    assert product is not None
    return bench_storefront.storefront_pages(
        product_slug=product.slug, producer_slug=product.producer.slug, category_slug=product.category.slug
    )


def test_storefront_generator_fills_every_table_and_every_page_answers():
    bench_storefront.grow(_execute, 0, 40)
    bench_storefront.grow(_execute, 40, 50)  # a second size grows the same catalogue

    assert Product.objects.filter(slug__startswith="bench-product-").count() == 50
    assert Producer.objects.filter(slug__startswith="bench-producer-").count() == 5
    assert (
        ProductImage.objects.filter(product__slug__startswith="bench-product-").exclude(medium="").count()
        == 50
    )
    visible = products_visible_to_shoppers().filter(slug__startswith="bench-product-").count()
    assert 40 <= visible < 50  # unpublished, hidden, expired and revoked ones drop out

    with override_settings(ROOT_URLCONF="bench.urls"):
        counts = bench_storefront.query_counts(Client(HTTP_HOST="127.0.0.1"), _storefront_pages())
    assert list(counts) == [
        "ceiling", "home", "listing", "category", "product", "producer", "search_mat_ong", "listing_page_50",
        "graphql_products_first_100", "graphql_product_by_slug",
    ]  # fmt: skip
    assert counts["ceiling"] == 0
    assert all(count > 0 for name, count in counts.items() if name != "ceiling")


def test_graphql_storefront_queries_return_bench_products():
    bench_storefront.grow(_execute, 0, 50)
    pages = {page.name: page for page in _storefront_pages()}
    client = Client(HTTP_HOST="127.0.0.1")

    listing = client.post(
        "/graphql/", pages["graphql_products_first_100"].body, content_type="application/json"
    )
    detail = client.post("/graphql/", pages["graphql_product_by_slug"].body, content_type="application/json")

    assert "errors" not in listing.json()
    assert len(listing.json()["data"]["products"]["edges"]) > 40
    assert "errors" not in detail.json()
    assert detail.json()["data"]["product"]["slug"].startswith("bench-product-")


def test_ceiling_view_is_bench_only(client):
    assert client.get(CEILING_PATH).status_code == 404  # production URLconf
    with override_settings(ROOT_URLCONF="bench.urls"):
        response = Client(HTTP_HOST="127.0.0.1").get(CEILING_PATH)
    assert response.status_code == 200
    assert response.content == CEILING_HTML
    assert 28_000 < len(CEILING_HTML) < 32_000


def test_graphql_bench_seed_and_first_page():
    bench_graphql._seed(50)

    response = Client(HTTP_HOST="127.0.0.1").post(
        "/graphql/", json.dumps({"query": bench_graphql.PRODUCTS_PAGE}), content_type="application/json"
    )

    assert "errors" not in response.json()
    assert response.json()["data"]["products"]["totalCount"] == products_visible_to_shoppers().count()
    assert 40 <= response.json()["data"]["products"]["totalCount"] < 50


def test_scale_bench_fill_and_a_search():
    from marketplace.search.backends.base import SearchQuery
    from marketplace.search.backends.postgres import PostgresBackend

    bench_scale._fill(50)

    assert Product.objects.count() == 50
    assert PostgresBackend().search(SearchQuery(text="mật ong")).total >= 0
    assert PostgresBackend().search(SearchQuery(text="")).total == products_visible_to_shoppers().count()


def test_checkout_bench_world():
    variants = bench_checkout._world(hot=False, per_buyer=1, buyers=3)

    assert len(variants) == 3
    assert products_visible_to_shoppers().filter(variants__in=variants).distinct().count() == 3


def test_import_bench_seed():
    seeded = bench_import.child_seed(50)

    assert Product.objects.count() == seeded["products"] > 0


def test_sqlfill_gives_unnamed_columns_what_django_would_write():
    from django.db import models

    from bench.sqlfill import column_value

    assert column_value(models.CharField(max_length=5, default="draft")) == "'draft'"
    assert column_value(models.CharField(max_length=5, blank=True)) == "''"
    assert column_value(models.PositiveIntegerField(default=0)) == "0"
    assert column_value(models.PositiveIntegerField(null=True)) == "NULL"
    assert column_value(models.BooleanField(default=True)) == "true"
    assert column_value(models.JSONField(default=dict)) == "'{}'::jsonb"
    assert column_value(models.DateTimeField(auto_now_add=True)) == "now()"
    assert column_value(models.DateField()) == "current_date"
    assert column_value(models.IntegerField(db_default=3)) is None  # left to the database
