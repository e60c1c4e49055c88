"""Scanned and photographed annexes, generated from the real rows in reference/ and degraded (scans.py), read
by Tesseract: the rows it is sure of are applied with the right stars, the others wait in the review queue
with the picture of the row; nothing is applied on a guess and no row is invented. Small pages (150 dpi),
few of them: OCR is slow on a shared machine."""

import dataclasses

import pytest

from catalog_import.models import ImportRow, Outcome
from catalog_import.readers.ocr import tesseract_missing
from tests.catalog_import import scans

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(bool(tesseract_missing()), reason=f"NOTICE: {tesseract_missing()}; run make install"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def annex(name: str, rows: int | None = None, **degrade) -> scans.Annex:
    found = next(a for a in scans.annexes() if a.name == name)
    found = dataclasses.replace(found, rows=found.rows[:rows] if rows else found.rows)
    if degrade:
        found.degrade = degrade
    return found


def test_accuracy_on_scanned_and_photographed_two_page_annexes(files, import_decision):
    """The acceptance measure on a subset of the bench's set (`make bench BENCH_ARGS="--only ocr"` runs all
    of it): at least 95% of rows applied with the right stars to the right product, the rest in review, none
    applied wrongly, none invented. Each annex runs over two pages (header repeated) and its metadata comes
    from the national header and the 'kèm theo Quyết định số … ngày … của …' line."""
    # In date order: a decision older than one already applied leaves the products it shares unchanged.
    sample = sorted((annex(name) for name in ("sonla-a", "sonla-c", "sonla-photo")), key=lambda a: a.date)
    scans.seed_catalogue(sample)
    total = scans.Accuracy()
    for item in sample:
        result = import_decision(scans.write(item, files, fmt="pdf", rows_per_page=12), "--json")

        assert result.code == 0, result.stdout + result.stderr
        decision = result.json["decision"]
        assert (decision["number"], decision["date"], decision["issuer"]) == (
            item.number,
            item.date.isoformat(),
            "UBND tỉnh Sơn La",
        )
        total.add(scans.accuracy(item))

    assert (total.wrong, total.invented, total.missing) == (0, 0, 0), total
    assert total.right + total.review == total.rows == 59
    assert total.right >= 0.95 * total.rows, total


def test_photographed_page_jpeg(files, import_decision):
    sample = annex("laocai-photo", rows=12)
    scans.seed_catalogue([sample])
    path = scans.write(sample, files, fmt="jpg", rows_per_page=12)

    result = import_decision(path, "--json", "--number", sample.number)

    assert result.code == 0, result.stdout + result.stderr
    assert result.json["decision"]["issuer"] == "UBND tỉnh Lào Cai"
    score = scans.accuracy(sample)
    assert (score.wrong, score.invented, score.missing) == (0, 0, 0), score
    assert score.right >= 10, (
        score,
        list(
            ImportRow.objects.filter(outcome=Outcome.AMBIGUOUS).values_list(
                "product_name", "producer_name", "message", "scan_confidence"
            )
        ),
    )


def test_uncertain_rows_wait_in_review_with_their_picture(files, import_decision):
    """A star cell smudged past reading goes to review; the row's picture is stored for the reviewer."""
    sample = annex("sonla-b", rows=6, smudge=(2, 5), noise=8)
    scans.seed_catalogue([sample])
    path = scans.write(sample, files, fmt="png", rows_per_page=6)

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout + result.stderr
    score = scans.accuracy(sample)
    assert (score.wrong, score.invented) == (0, 0), score
    review = list(ImportRow.objects.filter(outcome=Outcome.AMBIGUOUS))
    assert {r.row_number for r in review} >= {3, 6}, [
        (r.row_number, r.product_name, r.message) for r in review
    ]
    assert (score.right, len(review)) == (6 - len(review), score.review)
    for row in review:
        assert row.message.startswith("scanned row: ")
        assert row.image.name.startswith("import-rows/")
        assert row.image.read(8) == b"\x89PNG\r\n\x1a\n"
        assert set(row.scan_confidence) >= {"product", "producer", "stars"}


def test_table_without_lines_is_read_from_the_layout_and_every_row_waits_for_a_person(files, import_decision):
    """No ruled lines: columns from the header's words, rows from the stars; column edges are a guess, so
    nothing is applied as read, and each row waits with its picture and the names read."""
    sample = annex("sonla-b", rows=8, unruled=True, rotate=1.0)
    scans.seed_catalogue([sample])
    path = scans.write(sample, files, fmt="png", rows_per_page=8)

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout + result.stderr
    score = scans.accuracy(sample)
    assert (score.right, score.wrong, score.invented, score.review) == (0, 0, 0, 8), score
    review = ImportRow.objects.filter(outcome=Outcome.AMBIGUOUS).order_by("row_number")
    assert [r.stars for r in review] == [stars for _, _, stars in sample.rows]
    read = [(r.product_name, r.producer_name) for r in review]
    assert (
        sum(
            pair == (product, producer)
            for pair, (product, producer, _) in zip(read, sample.rows, strict=True)
        )
        >= 6
    )
    assert all(r.image and "Hạng sao read with 50% confidence" in r.message for r in review)


def test_admin_upload_of_a_scan_is_read_in_the_background_with_page_progress(
    staff_client, files, django_capture_on_commit_callbacks
):
    """The upload returns at once (Celery reads the scan; eager here), the run's page shows the pages read
    and links to the plan; the plan and the confirm take the reading from the OCR cache, which goes once
    the run is applied."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog_import.models import ImportRun, RunStatus
    from marketplace.core.storage import private_storage

    sample = annex("sonla-a", rows=5)
    scans.seed_catalogue([sample])
    path = scans.write(sample, files, fmt="png", rows_per_page=5)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(
            "/admin/catalog_import/importrun/upload/",
            {"file": SimpleUploadedFile("quet.png", path.read_bytes(), content_type="image/png")},
        )

    assert len(callbacks) == 1  # the reading task, queued once the run is stored
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/catalog_import/importrun/{run.pk}/change/"
    assert (run.status, run.progress) == (RunStatus.PLANNED, {"done": 1, "total": 1})
    run_page = staff_client.get(response.url).content.decode()
    assert "1/1 trang" in run_page and "data-run-plan" in run_page
    assert "data-run-reading" not in run_page  # the page stops refreshing once the scan is read
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.READING)
    assert "data-run-reading" in staff_client.get(response.url).content.decode()
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.PLANNED)
    assert len(private_storage().listdir("ocr-cache")[1]) == 1
    plan = staff_client.get(f"/admin/catalog_import/importrun/{run.pk}/plan/").content.decode()
    assert f"Quyết định {sample.number}" in plan
    assert plan.count("data-outcome=") == 5
    staff_client.post(f"/admin/catalog_import/importrun/{run.pk}/confirm/")
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED
    assert scans.accuracy(sample).wrong == 0
    assert private_storage().listdir("ocr-cache")[1] == []


def test_page_scanned_upside_down_is_turned_upright(files, import_decision):
    sample = annex("sonla-b", rows=4, rotate=180)
    scans.seed_catalogue([sample])

    result = import_decision(scans.write(sample, files, fmt="png", rows_per_page=4), "--json")

    assert result.code == 0, result.stdout + result.stderr
    score = scans.accuracy(sample)
    assert (score.right, score.wrong, score.invented) == (4, 0, 0), score
