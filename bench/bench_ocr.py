"""Scanned decisions: accuracy and speed of reading annexes by OCR, in its own database (`ocop_bench_ocr`).

The set (tests/catalog_import/scans.py): six re-rating decisions of real Lào Cai and Sơn La products,
100+ rows on two pages each, degraded as scanners and phones degrade them (rotation, blur, noise, JPEG,
grey paper, a red seal, perspective and uneven light). Every product is in the catalogue. Reported: rows
applied with the right stars (goal ≥ 95%), rows in review, rows applied wrongly and rows invented (goal 0),
seconds per page (goal under 10 s on two cores) and the peak memory of one import (each in a process of its
own).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "ocop_bench_ocr"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _annexes(quick: bool):
    from tests.catalog_import import scans

    return scans.annexes()[:2] if quick else scans.annexes()


def child_prepare(folder: str, quick: bool) -> dict:
    """Empty the bench database's catalogue, load the products the annexes re-rate, write the scans."""
    _django()
    from django.db import connection

    from tests.catalog_import import scans

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_import_importrow, catalog_import_importrun, certification_expiryreminder, "
            "certification_certification, certification_decision, catalog_product, producers_producer, "
            "search_productdocument, search_producttext, search_facetcount, search_facetdelta "
            "RESTART IDENTITY CASCADE"
        )
    annexes = _annexes(quick)
    scans.seed_catalogue(annexes)
    return {"files": [str(scans.write(annex, Path(folder), fmt="pdf")) for annex in annexes]}


def child_import(path: str) -> dict:
    """One scanned decision read and applied in a process of its own (its peak memory is its own)."""
    _django()
    from catalog_import.planning import build_plan
    from catalog_import.services import ImportRejected, import_apply
    from marketplace.producers.policies import SYSTEM_IMPORT

    counted: list[int] = []
    started = time.perf_counter()
    plan = build_plan([Path(path)], pages=lambda done, total: counted.append(total))
    if not plan.usable:
        raise ImportRejected(plan)
    import_apply(plan=plan, by=SYSTEM_IMPORT)
    return {
        "seconds": time.perf_counter() - started,
        "pages": counted[-1] if counted else 0,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def child_score(quick: bool) -> dict:
    _django()
    from tests.catalog_import import scans

    total = scans.Accuracy()
    by_document = {}
    for annex in _annexes(quick):
        score = scans.accuracy(annex)
        by_document[annex.name] = f"{score.right}/{score.rows} applied, {score.review} in review"
        total.add(score)
    return {"total": total.__dict__, "by_document": by_document}


def _child(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_ocr", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench_ocr child {args[0]} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(options) -> dict:
    from catalog_import.readers.ocr import tesseract_missing
    from marketplace.core.embedded_db import ensure_running

    missing = tesseract_missing()
    if missing:
        return {"skipped": missing}
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
    quick = "1" if getattr(options, "quick", False) else "0"
    seconds = 0.0
    pages = peak = 0
    with tempfile.TemporaryDirectory() as folder:
        for path in _child(env, "prepare", folder, quick)["files"]:
            result = _child(env, "import", path)
            seconds += result["seconds"]
            pages += result["pages"]
            peak = max(peak, result["peak_rss_mb"])
    scores = _child(env, "score", quick)
    total = scores["total"]
    return {
        "documents": len(scores["by_document"]),
        "rows": total["rows"],
        "pages": pages,
        "applied_right": total["right"],
        "applied_share_percent": round(100 * total["right"] / max(total["rows"], 1), 1),
        "in_review": total["review"],
        "applied_wrong": total["wrong"],
        "invented": total["invented"],
        "missing": total["missing"],
        "seconds_per_page": round(seconds / max(pages, 1), 2),
        "peak_rss_mb_per_import": peak,
        "by_document": scores["by_document"],
    }


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "prepare":
        output = child_prepare(arguments[0], arguments[1] == "1")
    elif command == "import":
        output = child_import(arguments[0])
    else:
        output = child_score(arguments[0] == "1")
    print(json.dumps(output, ensure_ascii=False))
