"""Decision import throughput: a generated 20,000-row decision in each format (CSV, XLSX, DOCX, PDF) against a
catalogue of 10,000 certified products, in its own database (`ocop_bench_import`).

Half the rows re-rate known products (renewed / upgraded / downgraded), a quarter add products to known
producers, a quarter bring new producers. Each import runs in a child process, so its peak resident memory
(ru_maxrss) is its own. Goal: under 10 s and 300 MB for CSV and XLSX on two cores.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "ocop_bench_import"
SYLLABLES = (
    "An", "Bắc", "Bình", "Cao", "Châu", "Chiềng", "Đông", "Đức", "Gia", "Hà", "Hải", "Hòa",
    "Hưng", "Khánh", "Lâm", "Liên", "Linh", "Lộc", "Long", "Mai", "Minh", "Mộc", "Mường", "Nam",
    "Ngọc", "Nguyên", "Phong", "Phú", "Phúc", "Quang", "Sơn", "Tân", "Thái", "Thành", "Thảo", "Thịnh",
    "Thuận", "Tiến", "Toàn", "Trung", "Tuấn", "Vân", "Việt", "Xuân", "Yên",
)  # fmt: skip
GOODS = (
    "Cà phê Arabica", "Chè Shan tuyết", "Mật ong bạc hà", "Gạo nếp tan", "Xoài sấy dẻo", "Mận hậu sấy",
    "Thịt trâu gác bếp", "Rượu ngô", "Tinh dầu quế", "Miến dong", "Măng khô", "Nấm hương", "Lạc đỏ",
    "Bánh chưng đen", "Trà hoa vàng", "Sữa chua nếp cẩm", "Chuối sấy", "Hạt mắc ca", "Tương ớt", "Cao actiso",
)  # fmt: skip
NEW_GOODS = (
    "Bột sắn dây", "Hạt dổi", "Khô bò", "Mứt gừng", "Nước cốt chanh leo", "Giò lụa", "Dầu lạc ép",
    "Bánh khảo", "Rượu táo mèo", "Dấm táo", "Cốm làng", "Trà túi lọc đinh lăng",
)  # fmt: skip
FORMS = ("HTX", "Hợp tác xã", "Công ty TNHH", "Công ty cổ phần", "Hộ kinh doanh", "Tổ hợp tác")


def _name(rng: random.Random, parts: int) -> str:
    return " ".join(rng.choice(SYLLABLES) for _ in range(parts))


def dataset(rows: int, seed: int = 7) -> tuple[list[tuple], list[list[str]]]:
    """(existing catalogue entries, decision rows). Catalogue: (producer, product, stars); rows: STT, product,
    producer, address, stars."""
    rng = random.Random(seed)
    producers = list(dict.fromkeys(f"{rng.choice(FORMS)} {_name(rng, 4)}" for _ in range(rows // 3)))
    catalogue = []
    used = set()
    for index in range(rows // 2):
        producer = producers[index % (len(producers) // 2)]
        product = f"{rng.choice(GOODS)} {_name(rng, 2)} {index}"
        used.add((producer, product))
        catalogue.append((producer, product, rng.choice((3, 3, 4))))
    decision = []
    for producer, product, stars in catalogue:
        decision.append([producer, product, str(rng.choice((stars, stars, 3, 4, 5)))])
    for index in range(rows - len(catalogue)):
        if index % 2:
            producer = producers[index % (len(producers) // 2)]
        else:
            producer = producers[len(producers) // 2 + index % (len(producers) - len(producers) // 2)]
        product = f"{rng.choice(NEW_GOODS)} {_name(rng, 3)} {index}"
        decision.append([producer, product, rng.choice(("3", "4"))])
    rng.shuffle(decision)
    table = [
        [str(i + 1), product, producer, "xã Chiềng Cọ, tỉnh Sơn La", f"{stars} sao"]
        for i, (producer, product, stars) in enumerate(decision)
    ]
    return catalogue, table


TITLE = [
    "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
    "Quyết định số 9999/QĐ-UBND ngày 02/03/2026",
    "Về việc phê duyệt kết quả đánh giá, phân hạng sản phẩm OCOP năm 2026",
]


# --- child processes -------------------------------------------------------------------------------
def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def child_seed(rows: int) -> dict:
    """Empty the bench database's catalogue and load the catalogue the decision re-rates."""
    _django()
    from django.db import connection, transaction

    from marketplace.catalog.models import Category, Product
    from marketplace.certification.models import Certification, Decision, IssuerLevel
    from marketplace.certification.services import certificate_valid_until
    from marketplace.core.text import slugify_vi
    from marketplace.producers.models import Producer

    catalogue, _ = dataset(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_import_importrow, catalog_import_importrun, certification_expiryreminder, "
            "certification_certification, certification_decision, catalog_product, producers_producer, "
            # TRUNCATE fires no row triggers: the search tables the triggers keep go with the catalogue.
            "search_productdocument, search_producttext, search_facetcount, search_facetdelta "
            "RESTART IDENTITY CASCADE"
        )
    category = Category.objects.get(slug="thuc-pham")
    with transaction.atomic():
        producers = {}
        for name in dict.fromkeys(p for p, _, _ in catalogue):
            producers[name] = Producer(
                name=name, slug=slugify_vi(name) + f"-{len(producers)}", kind="cooperative", province="son-la"
            )
        Producer.objects.bulk_create(producers.values(), batch_size=2000)
        products = [
            Product(producer=producers[p], category=category, name=n, slug=f"p-{i}", is_published=True)
            for i, (p, n, _) in enumerate(catalogue)
        ]
        Product.objects.bulk_create(products, batch_size=2000)
        date = datetime.date(2024, 1, 15)
        decision = Decision.objects.create(
            number="100/QĐ-UBND", date=date, issuer="UBND tỉnh Sơn La", level=IssuerLevel.PROVINCE
        )
        Certification.objects.bulk_create(
            [
                Certification(
                    product=product, decision=decision, stars=stars, valid_from=date,
                    valid_until=certificate_valid_until(date),
                )
                for product, (_, _, stars) in zip(products, catalogue, strict=True)
            ],
            batch_size=2000,
        )  # fmt: skip
    return {"producers": len(producers), "products": len(products)}


def child_import(path: str) -> dict:
    """import_files, timed by stage: reading the file, planning (matching), applying (one transaction)."""
    _django()
    import resource

    from catalog_import import planning
    from catalog_import.services import ImportRejected, import_apply
    from marketplace.producers.policies import SYSTEM_IMPORT

    read_files, stages = planning.read_files, {}

    def timed_read(*args, **kwargs):
        started = time.perf_counter()
        try:
            return read_files(*args, **kwargs)
        finally:
            stages["read"] = time.perf_counter() - started

    planning.read_files = timed_read  # this child process only
    started, cpu_started = time.perf_counter(), time.process_time()
    plan = planning.build_plan([Path(path)])
    if not plan.usable:
        raise ImportRejected(plan)
    planned = time.perf_counter()
    run = import_apply(plan=plan, by=SYSTEM_IMPORT)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "split": {
            "read": round(stages["read"], 2),
            "plan": round(planned - started - stages["read"], 2),
            "apply": round(seconds - (planned - started), 2),
        },
        "peak_rss_mb": round(peak_kb / 1024),
        "counts": run.counts,
    }


def child_generate(folder: str, rows: int, formats: list[str]) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.catalog_import import decision_files as df

    _, table = dataset(rows)
    timings = {}
    for fmt in formats:
        started = time.perf_counter()
        df.write(fmt, Path(folder) / f"decision.{fmt}", df.HEADER, table, title=TITLE)
        timings[fmt] = round(time.perf_counter() - started, 1)
    return timings


def _child(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_import", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench child {args[0]} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(options) -> dict:
    from marketplace.core.embedded_db import ensure_running

    rows = 2_000 if getattr(options, "quick", False) else 20_000
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings", "DJANGO_DEBUG": "1"}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = ensure_running(ROOT / ".data" / "postgres", DATABASE)
    else:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{DATABASE}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    formats = ["csv", "xlsx", "docx", "pdf"]
    report: dict = {"rows": rows}
    with tempfile.TemporaryDirectory() as folder:
        generated = _child(env, "generate", folder, str(rows), *formats)
        for fmt in formats:
            seeded = _child(env, "seed", str(rows))
            report.setdefault("catalogue_products", seeded["products"])
            result = _child(env, "import", str(Path(folder) / f"decision.{fmt}"))
            report[f"{fmt}_seconds"] = result["seconds"]
            report[f"{fmt}_rows_per_second"] = round(rows / result["seconds"])
            # CPU time of the importing process (Python side; PostgreSQL's own work is in the wall time).
            report[f"{fmt}_cpu_seconds"] = result["cpu_seconds"]
            report[f"{fmt}_peak_rss_mb"] = result["peak_rss_mb"]
            # Wall seconds reading the file / matching rows to the catalogue / writing (one transaction).
            report[f"{fmt}_read_plan_apply_seconds"] = " / ".join(str(v) for v in result["split"].values())
            report[f"{fmt}_file_mb"] = round((Path(folder) / f"decision.{fmt}").stat().st_size / 1_048_576, 1)
            counts = result["counts"]
            report.setdefault("outcomes", ", ".join(f"{counts[k]} {k}" for k in counts if counts[k]))
        report["generate_seconds"] = generated
    report["goal"] = "csv/xlsx < 10 s and < 300 MB"
    report["load_average_1min"] = round(os.getloadavg()[0], 1)  # other work on the machine skews wall times
    return report


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "seed":
        output = child_seed(int(arguments[0]))
    elif command == "import":
        output = child_import(arguments[0])
    elif command == "generate":
        output = child_generate(arguments[0], int(arguments[1]), arguments[2:])
    else:
        raise SystemExit(f"unknown bench child command {command}")
    print(json.dumps(output))
