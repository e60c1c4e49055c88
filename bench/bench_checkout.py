"""Checkout throughput: 20 concurrent buyers placing cash-on-delivery orders (cart → details → order).

Runs in a child process against its own database (`ocop_bench_checkout` on the embedded PostgreSQL, unless
DATABASE_URL is set), so it never touches development data and other benches' Django setup. Two scenarios:
- spread: each buyer buys from a different product (row locks rarely meet),
- hot: every buyer buys the same variant (all serialise on its product and stock row locks).
One buyer alone gives the baseline latency. The 20 buyers are threads of one Python process, so the numbers
include the GIL: a deployment runs several gunicorn workers.
"""

import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

BUYERS = 20
BASE_DIR = Path(__file__).resolve().parent.parent


def run(options) -> dict:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        from marketplace.core.embedded_db import ensure_running

        data_dir = Path(env.get("MARKETPLACE_DATA_DIR", BASE_DIR / ".data"))
        env["DATABASE_URL"] = ensure_running(data_dir / "postgres", "ocop_bench_checkout")
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    env["EMAIL_URL"] = "locmem://"
    env["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
    env.pop("CELERY_BROKER_URL", None)  # emails run inline, as part of what a checkout costs here
    per_buyer = "5" if getattr(options, "quick", False) else "25"
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_checkout", per_buyer],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _world(*, hot: bool, per_buyer: int, buyers: int):
    from django.utils import timezone

    from marketplace.catalog.models import Category, Product, ProductVariant, Stock
    from marketplace.certification.models import Certification, CertificationState, Decision
    from marketplace.certification.services import certificate_valid_until
    from marketplace.producers.models import Producer

    tag = secrets.token_hex(4)
    category, _ = Category.objects.get_or_create(
        slug="do-uong", defaults={"name": "Đồ uống", "ocop_group": 2}
    )
    decision = Decision.objects.create(
        number=f"{tag}/QĐ-UBND", date=timezone.localdate(), issuer="UBND tỉnh Sơn La", level="province"
    )
    variants = []
    for index in range(1 if hot else buyers):
        producer = Producer.objects.create(
            name=f"Bench {tag} {index}", slug=f"bench-{tag}-{index}", kind="cooperative", province="son-la"
        )
        product = Product.objects.create(
            producer=producer, category=category, name=f"Cà phê bench {tag} {index}",
            slug=f"bench-{tag}-{index}", is_published=True,
        )  # fmt: skip
        Certification.objects.create(
            product=product, decision=decision, stars=4, valid_from=decision.date,
            valid_until=certificate_valid_until(decision.date), state=CertificationState.ACTIVE,
        )  # fmt: skip
        variant = ProductVariant.objects.create(product=product, sku=f"B-{tag}-{index}", price_amount=185_000)
        Stock.objects.create(variant=variant, quantity=buyers * per_buyer * 2)
        variants.append(variant)
    return variants


def _scenario(*, hot: bool, per_buyer: int, buyers: int = BUYERS) -> dict:
    from django.db import connection

    from marketplace.checkout.services import (
        CheckoutDetails,
        checkout_create,
        checkout_lines_add,
        checkout_submit,
    )
    from marketplace.producers.policies import SYSTEM_TASK

    variants = _world(hot=hot, per_buyer=per_buyer, buyers=buyers)
    details = CheckoutDetails(
        email="bench@example.vn", phone="0912345678", full_name="Bench", province="son-la",
        commune="Tô Hiệu", street="1 Chu Văn Thịnh",
    )  # fmt: skip
    run = secrets.randbelow(1000)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(buyers)

    def buyer(index: int) -> None:
        variant = variants[0 if hot else index]
        try:
            barrier.wait()
            for n in range(per_buyer):
                # Each order from its own shopper (also across runs on the same database): one shopper may
                # hold only a few open unpaid orders.
                shopper = replace(
                    details, email=f"bench{run}-{index}-{n}@example.vn", phone=f"0{run:03d}{index:02d}{n:04d}"
                )
                started = time.perf_counter()
                checkout = checkout_create(by=SYSTEM_TASK)
                checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=1, by=SYSTEM_TASK)
                checkout_submit(
                    token=checkout.token,
                    details=shopper,
                    client_ip=f"10.{run % 250}.{index}.{n % 250}",
                    by=SYSTEM_TASK,
                )
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
        except Exception as exc:  # reported, never hidden
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(buyers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} buyers failed: {errors[0]}")
    return {
        "orders": len(latencies),
        "orders_per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1),
    }


def _worker(per_buyer: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    alone = _scenario(hot=False, per_buyer=per_buyer, buyers=1)
    spread = _scenario(hot=False, per_buyer=per_buyer)
    hot = _scenario(hot=True, per_buyer=per_buyer)
    return {
        "single_buyer_p50_ms": alone["p50_ms"],
        "concurrent_buyers": BUYERS,
        "checkouts_per_buyer": per_buyer,
        "spread_orders_per_second": spread["orders_per_second"],
        "spread_p50_ms": spread["p50_ms"],
        "spread_p95_ms": spread["p95_ms"],
        "hot_product_orders_per_second": hot["orders_per_second"],
        "hot_product_p50_ms": hot["p50_ms"],
        "hot_product_p95_ms": hot["p95_ms"],
    }


if __name__ == "__main__":
    print(json.dumps(_worker(int(sys.argv[1]))))
