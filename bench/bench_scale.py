"""Scale bench: the PostgreSQL side of search and indexing at the national catalogue's size and 10 times it.

Today's national catalogue is about 17,400 OCOP products from about 9,000 producers. For each scale this
fills a separate database (`ocop_bench` on the embedded server, or BENCH_DATABASE_URL), then measures:
PostgreSQL search latency (the default backend) for typical shopper queries, how fast the Elasticsearch
documents are read from PostgreSQL (the database half of a full rebuild), the cost of queuing changed
products, the daily expiry, and the size on disk. It runs in a child process so its database never mixes
with another bench's.

`--quick` uses 1,000 products to check that the bench itself works.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIONAL_PRODUCTS = 17_400
NATIONAL_PRODUCERS = 9_000

QUERIES = [
    ("word", "cà phê", {}),
    ("two_words_no_diacritics", "mat ong", {}),
    ("three_words", "trà shan tuyết", {}),
    ("province_words", "son la", {}),
    ("rare_word", "mắc ca", {}),
    ("typo_fallback", "caphe arabicaa", {}),
    ("browse_page_1", "", {}),
    ("browse_5_stars_son_la", "", {"stars": (5,), "provinces": ("son-la",)}),
    ("word_filtered_in_stock", "gạo", {"in_stock": True, "stars": (4, 5)}),
    ("browse_sorted_price", "", {"sort": "price"}),
]


def run(options) -> dict:
    scales = [1_000] if options.quick else [NATIONAL_PRODUCTS, NATIONAL_PRODUCTS * 10]
    report: dict = {}
    for products in scales:
        env = dict(os.environ)
        env.setdefault("DJANGO_SECRET_KEY", "bench-only")
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or _embedded_url()
        env["LOG_LEVEL"] = "WARNING"
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_scale", str(products)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-3000:])
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"   ({products} products measured in the child process)", flush=True)
        report.update({f"{products}_products_{key}": value for key, value in measured.items()})
    return report


def _embedded_url() -> str:
    from marketplace.core.embedded_db import ensure_running

    data_dir = Path(os.environ.get("MARKETPLACE_DATA_DIR", ROOT / ".data"))
    return ensure_running(data_dir / "postgres", "ocop_bench")


# --- The child process -------------------------------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


PRODUCT_WORDS = [
    "Cà phê Arabica",
    "Cà phê Robusta",
    "Trà shan tuyết",
    "Chè búp",
    "Mật ong",
    "Gạo ST25",
    "Gạo nếp",
    "Rượu ngô",
    "Miến dong",
    "Nấm hương",
    "Mắc ca",
    "Tỏi cô đơn",
    "Măng khô",
    "Bánh pía",
    "Nước mắm",
    "Tinh dầu quế",
    "Thổ cẩm",
    "Mây tre đan",
]
QUALIFIERS = ["rang xay", "hữu cơ", "đặc sản", "nguyên chất", "loại 1", "hộp quà", "túi 500g", "truyền thống"]
KINDS = ["company", "cooperative", "cooperative_group", "household"]


def _fill(products: int) -> None:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from marketplace.catalog.models import Category, Product, ProductVariant, Stock
    from marketplace.certification.models import Certification, Decision
    from marketplace.certification.services import certificate_valid_until
    from marketplace.core.provinces import PROVINCES
    from marketplace.producers.models import Producer
    from marketplace.producers.policies import SYSTEM_TASK
    from marketplace.search.services import search_facets_compact

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_stock, catalog_productvariant, certification_certification, "
            "certification_decision, catalog_productmoderation, catalog_collectionproduct, "
            "catalog_productimage, catalog_product, producers_producermembership, producers_producer, "
            # TRUNCATE fires no row triggers: the search tables the triggers keep go with the catalogue.
            "search_dirtyproduct, search_productdocument, search_producttext, search_facetcount, "
            "search_facetdelta CASCADE"
        )
    rng = random.Random(2026)
    today = timezone.localdate()
    producers = max(products * NATIONAL_PRODUCERS // NATIONAL_PRODUCTS, 1)
    categories = list(Category.objects.filter(parent__isnull=True).values_list("id", flat=True))
    codes = [p.code for p in PROVINCES]
    Producer.objects.bulk_create(
        (
            Producer(
                name=f"HTX {rng.choice(PRODUCT_WORDS).split()[0]} {rng.choice(PROVINCES).name} {i}",
                slug=f"bench-producer-{i}",
                kind=rng.choice(KINDS),
                province=rng.choice(codes),
            )
            for i in range(producers)
        ),
        batch_size=5_000,
    )
    producer_ids = list(Producer.objects.values_list("id", flat=True))
    decisions = Decision.objects.bulk_create(
        Decision(
            number=f"{i}/QĐ-UBND",
            date=today - datetime.timedelta(days=rng.randint(30, 1_100) if i % 33 else 1_200),
            issuer="UBND tỉnh",
            level="province",
        )
        for i in range(1, 400)
    )
    Product.objects.bulk_create(
        (
            Product(
                producer_id=rng.choice(producer_ids),
                category_id=rng.choice(categories),
                name=f"{rng.choice(PRODUCT_WORDS)} {rng.choice(QUALIFIERS)} {i}",
                slug=f"bench-product-{i}",
                description=f"<p>{rng.choice(QUALIFIERS)} {rng.choice(PRODUCT_WORDS)}</p>",
                is_published=rng.random() < 0.95,
            )
            for i in range(products)
        ),
        batch_size=5_000,
    )
    product_ids = list(Product.objects.values_list("id", flat=True))
    ProductVariant.objects.bulk_create(
        (
            ProductVariant(product_id=pk, sku=f"B{pk}", price_amount=rng.randrange(40, 900) * 1_000)
            for pk in product_ids
        ),
        batch_size=5_000,
    )
    Stock.objects.bulk_create(
        (
            Stock(variant_id=vid, quantity=rng.choice([0, 5, 20, 100]))
            for vid in ProductVariant.objects.values_list("id", flat=True)
        ),
        batch_size=5_000,
    )
    certifications = []
    for pk in product_ids:
        decision = rng.choice(decisions)
        valid_until = certificate_valid_until(decision.date)
        certifications.append(
            Certification(
                product_id=pk,
                decision=decision,
                stars=rng.choices([3, 4, 5], weights=[70, 27, 3])[0],
                valid_from=decision.date,
                valid_until=valid_until,
                state="active",
            )
        )
    Certification.objects.bulk_create(certifications, batch_size=5_000)
    search_facets_compact(by=SYSTEM_TASK)  # as beat would within a minute


def _timed(fn, *, budget_s: float = 3.0, max_repeat: int = 15, min_repeat: int = 3) -> tuple[float, float]:
    """Median and worst-of-the-best-95% latency in ms; fewer samples for slow queries (big scales)."""
    samples: list[float] = []
    spent = 0.0
    while len(samples) < max_repeat and (len(samples) < min_repeat or spent < budget_s):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        spent += elapsed
        samples.append(elapsed * 1000)
    samples.sort()
    return round(statistics.median(samples), 1), round(samples[max(int(len(samples) * 0.95) - 1, 0)], 1)


def _measure(products: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from marketplace.catalog.selectors import products_visible_to_shoppers
    from marketplace.certification.services import certifications_expire
    from marketplace.producers.policies import SYSTEM_TASK
    from marketplace.search.backends.base import SearchFilters, SearchQuery
    from marketplace.search.backends.elasticsearch import product_documents
    from marketplace.search.backends.postgres import PostgresBackend
    from marketplace.search.models import DirtyProduct
    from marketplace.search.services import search_products_changed

    result: dict = {}
    started = time.perf_counter()
    _fill(products)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as after any bulk load (see bench_storefront)
    result["fill_s"] = round(time.perf_counter() - started, 1)
    result["visible_products"] = products_visible_to_shoppers().count()

    backend = PostgresBackend()
    for label, text, extra in QUERIES:
        extra = dict(extra)
        sort = extra.pop("sort", "relevance")
        query = SearchQuery(text=text, filters=SearchFilters(**extra), sort=sort)
        backend.search(query)  # warm the cache: steady state is what shoppers see
        p50, p95 = _timed(lambda query=query: backend.search(query))
        result[f"pg_search_{label}_p50_ms"] = p50
        result[f"pg_search_{label}_p95_ms"] = p95

    started = time.perf_counter()
    documents = sum(1 for _ in product_documents())
    elapsed = time.perf_counter() - started
    result["es_documents_read"] = documents
    result["es_documents_read_per_s"] = round(documents / elapsed)

    ids = list(products_visible_to_shoppers().values_list("pk", flat=True)[:1_000])
    es = "marketplace.search.backends.elasticsearch.ElasticsearchBackend"
    # Inside a transaction that is rolled back: the queue writes are measured, the after-commit
    # indexing (which needs an Elasticsearch server) never starts.
    with override_settings(SEARCH_BACKEND=es), transaction.atomic():
        started = time.perf_counter()
        for pk in ids[:200]:
            search_products_changed(product_ids=[pk])
        result["queue_one_product_ms"] = round((time.perf_counter() - started) * 1000 / len(ids[:200]), 2)
        started = time.perf_counter()
        search_products_changed(product_ids=ids)
        result["queue_1000_products_ms"] = round((time.perf_counter() - started) * 1000, 1)
        transaction.set_rollback(True)
    DirtyProduct.objects.all().delete()

    started = time.perf_counter()
    expired = certifications_expire(by=SYSTEM_TASK)
    result["daily_expiry_s"] = round(time.perf_counter() - started, 2)
    result["daily_expiry_products"] = len(expired)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        result["database_mb"] = round(cursor.fetchone()[0] / 1024 / 1024)
        cursor.execute(
            "SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'search_%%'"
        )
        result["search_indexes_mb"] = round(int(cursor.fetchone()[0]) / 1024 / 1024, 1)
    return result


if __name__ == "__main__":
    _setup_django()
    print(json.dumps(_measure(int(sys.argv[1]))))
