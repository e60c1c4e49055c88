"""Scanned decisions: accuracy and speed of reading annexes by OCR, in its own database (`ocop_bench_ocr`).

The set (tests/catalog_import/scans.py): six re-rating decisions of real Lào Cai and Sơn La products,
100+ rows on two pages each, degraded as scanners and phones degrade them (rotation, blur, noise, JPEG,
grey paper, a red seal, perspective and uneven light). Every product is in the catalogue. Reported: rows
applied with the right stars (goal ≥ 95%), rows in review, rows applied wrongly and rows invented (goal 0),
seconds per page (goal under 10 s on two cores) and the peak memory of the importing process (generating
the scans included).
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


def child(folder: str, quick: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from catalog_import.planning import build_plan
    from catalog_import.services import ImportRejected, import_apply
    from tests.catalog_import import scans

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_import_importrow, catalog_import_importrun, certification_expiryreminder, "
            "certification_certification, certification_decision, catalog_product, producers_producer, "
            "search_productdocument, search_producttext, search_facetcount, search_facetdelta "
            "RESTART IDENTITY CASCADE"
        )
    annexes = scans.annexes()[:2] if quick else scans.annexes()
    scans.seed_catalogue(annexes)
    total = scans.Accuracy()
    pages = 0
    seconds = 0.0
    per_document = {}
    for annex in annexes:
        path = scans.write(annex, Path(folder), fmt="pdf")
        counted: list[int] = []
        started = time.perf_counter()
        plan = build_plan([path], pages=lambda done, all_, c=counted: c.append(all_))
        if not plan.usable:
            raise ImportRejected(plan)
        import_apply(plan=plan)
        seconds += time.perf_counter() - started
        pages += counted[-1] if counted else 0
        score = scans.accuracy(annex)
        per_document[annex.name] = f"{score.right}/{score.rows} applied, {score.review} in review"
        total.add(score)
    return {
        "documents": len(annexes),
        "rows": total.rows,
        "pages": pages,
        "applied_right": total.right,
        "applied_share_percent": round(100 * total.applied_share, 1),
        "in_review": total.review,
        "applied_wrong": total.wrong,
        "invented": total.invented,
        "missing": total.missing,
        "seconds_per_page": round(seconds / max(pages, 1), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "by_document": per_document,
    }


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
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_ocr", folder, quick],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"bench_ocr child failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2] == "1"), ensure_ascii=False))
