"""GraphQL latency: `products(first: 100)` with nested pricing, thumbnail, category, producer and ocop at
100,000 products (2,000 with --quick), in a separate database (`ocop_bench_graphql`) filled with set-based
SQL.
Requests go through Django's full stack in-process (middleware, view, schema), without a socket."""

import json
import os
import statistics
import time
from pathlib import Path

DATABASE = "ocop_bench_graphql"
BASE_DIR = Path(__file__).resolve().parent.parent
ROUNDS = 30

PRODUCTS_PAGE = """
query ProductsPage($after: String, $filter: ProductFilterInput, $sortBy: ProductOrder) {
  products(first: 100, after: $after, channel: "default-channel", filter: $filter, sortBy: $sortBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name slug
      pricing { priceRange { start { gross { amount currency } } stop { gross { amount currency } } } }
      thumbnail(size: 512, format: WEBP) { url alt }
      category { id name slug }
      producer { id name slug province }
      ocop { stars status decisionNumber validUntil }
    } }
  }
}
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    import django
    from django.conf import settings

    if not settings.configured or not _django_ready():
        if not os.environ.get("DATABASE_URL"):
            from marketplace.core.embedded_db import ensure_running

            data_dir = Path(os.environ.get("MARKETPLACE_DATA_DIR", BASE_DIR / ".data"))
            os.environ["DATABASE_URL"] = ensure_running(data_dir / "postgres", DATABASE)
        django.setup()
    _use_bench_database()


def _django_ready() -> bool:
    from django.apps import apps

    return apps.ready


def _use_bench_database() -> None:
    """Point the default connection at the bench database, whichever database the process started with."""
    from django.db import connection, connections

    settings_dict = connections["default"].settings_dict
    if settings_dict["NAME"] == DATABASE:
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            connection.connection.autocommit = True
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()
    settings_dict["NAME"] = DATABASE


def _insert_select(model, expressions: dict[str, str], source: str) -> None:
    """INSERT … SELECT over every concrete column (see bench.sqlfill for the columns not named)."""
    from django.db import connection

    from bench.sqlfill import insert_select

    with connection.cursor() as cursor:
        insert_select(cursor.execute, model, expressions, source)


def _seed(count: int) -> None:
    from django.db import connection, transaction

    from marketplace.catalog.models import Product, ProductImage, ProductModeration, ProductVariant, Stock
    from marketplace.certification.models import Certification, Decision
    from marketplace.core.provinces import PROVINCES
    from marketplace.producers.models import Producer

    if Product.objects.count() == count:
        return
    provinces = "ARRAY[" + ",".join(f"'{p.code}'" for p in PROVINCES) + "]"
    producers = max(count // 100, 10)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE catalog_productmoderation, certification_certification, certification_decision, "
                "catalog_productimage, catalog_stock, catalog_productvariant, catalog_collectionproduct, "
                "catalog_product, producers_producer, "
                # TRUNCATE fires no row triggers: the search tables the triggers keep go with the catalogue.
                "search_productdocument, search_producttext, search_facetcount, search_facetdelta CASCADE"
            )
        _insert_select(
            Producer,
            {
                "name": "'HTX bench ' || g",
                "slug": "'htx-bench-' || g",
                "kind": "'cooperative'",
                "province": f"({provinces})[1 + g % {len(PROVINCES)}]",
            },
            f"generate_series(1, {producers}) g",
        )
        _insert_select(
            Decision,
            {
                "number": "g || '/QĐ-UBND'",
                "date": "current_date - (100 + g * 30)",
                "issuer": "'UBND tỉnh Sơn La'",
                "level": "'province'",
                "kind": "'recognition'",
            },
            "generate_series(1, 20) g",
        )
        _insert_select(
            Product,
            {
                "producer_id": f"(SELECT min(id) FROM producers_producer) + g % {producers}",  # noqa: S608
                "category_id": "(SELECT min(id) FROM catalog_category) + g % 6",
                "name": "'Sản phẩm OCOP ' || lpad(g::text, 6, '0')",
                "slug": "'bench-' || g",
                "description": "'<p>Đặc sản vùng cao.</p>'",
                "is_published": "g % 20 <> 0",  # 5% unpublished
            },
            f"generate_series(1, {count}) g",
        )
        _insert_select(
            ProductVariant,
            {
                "product_id": "p.id",
                "sku": "'BENCH-' || p.id",
                "name": "'Gói 500g'",
                "price_amount": "50000 + (p.id * 7919 % 500) * 1000",
                "sort_order": "0",
            },
            "catalog_product p",
        )
        _insert_select(
            Stock,
            {"variant_id": "v.id", "quantity": "100", "quantity_allocated": "0"},
            "catalog_productvariant v",
        )
        _insert_select(
            ProductImage,
            {"product_id": "p.id", "image": "'products/bench.png'", "alt": "p.name", "sort_order": "0"},
            "catalog_product p",
        )
        _insert_select(
            Certification,
            {
                "product_id": "p.id",
                "decision_id": "d.id",
                "stars": "3 + p.id % 3",
                "score": "60 + p.id % 40",
                "valid_from": "d.date",
                "valid_until": "(d.date + interval '36 months')::date",
                # 3% expired certificates: they must drop out of every list.
                "state": "CASE WHEN p.id % 33 = 0 THEN 'expired' ELSE 'active' END",
            },
            "catalog_product p JOIN certification_decision d "
            "ON d.id = (SELECT min(id) FROM certification_decision) + p.id % 20",
        )
        _insert_select(
            ProductModeration,
            {"product_id": "p.id", "reason": "'bench: hidden by staff'", "hidden_at": "now()"},
            "catalog_product p WHERE p.id % 50 = 0",  # 2% hidden
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _measure(client, variables: dict, rounds: int, query: str = PRODUCTS_PAGE) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = json.dumps({"query": query, "variables": variables})
    timings = []
    for index in range(rounds + 3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/graphql/", body, content_type="application/json")
        elapsed = (time.perf_counter() - started) * 1000
        payload = response.json()
        if response.status_code != 200 or payload.get("errors"):
            raise RuntimeError(f"GraphQL error: {payload.get('errors')}")
        if index >= 3:  # warm-up
            timings.append(elapsed)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "sql_queries": len(queries),
        "edges": len(payload["data"]["products"]["edges"]),
        "total_count": payload["data"]["products"].get("totalCount"),
        "end_cursor": payload["data"]["products"]["pageInfo"]["endCursor"],
    }


def run(options) -> dict:
    _setup_django()
    from django.core.management import call_command
    from django.test import Client

    count = 2_000 if getattr(options, "quick", False) else 100_000
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _seed(count)
    seeded = time.perf_counter() - started
    client = Client(HTTP_HOST="127.0.0.1")
    rounds = 10 if getattr(options, "quick", False) else ROUNDS
    first = _measure(client, {}, rounds)
    second = _measure(client, {"after": first["end_cursor"]}, rounds)
    # totalCount counts every visible product (a full scan); clients that do not ask for it skip that cost.
    uncounted = _measure(client, {}, rounds, query=PRODUCTS_PAGE.replace("    totalCount\n", "", 1))
    filtered = _measure(
        client,
        {
            "filter": {"ocopStars": [5], "provinces": ["son-la", "lao-cai"]},
            "sortBy": {"field": "PRICE", "direction": "ASC"},
        },
        rounds,
    )
    return {
        "products": count,
        "visible_products": first["total_count"],
        "seed_seconds": round(seeded, 1),
        "products_first100_median_ms": first["median_ms"],
        "products_first100_p95_ms": first["p95_ms"],
        "products_first100_sql_queries": first["sql_queries"],
        "products_first100_without_total_count_median_ms": uncounted["median_ms"],
        "products_first100_without_total_count_p95_ms": uncounted["p95_ms"],
        "products_page2_median_ms": second["median_ms"],
        "products_page2_p95_ms": second["p95_ms"],
        "products_filtered_sorted_median_ms": filtered["median_ms"],
        "products_filtered_sorted_p95_ms": filtered["p95_ms"],
        "rounds": rounds,
    }
