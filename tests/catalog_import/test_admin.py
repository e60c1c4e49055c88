"""Staff upload a decision, see its plan, confirm it (the Celery task applies it), undo it; the review queue
shows close calls with their candidates side by side."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog_import.models import ImportRow, ImportRun, Outcome, RunStatus
from marketplace.catalog.models import Product
from marketplace.certification.models import Certification
from tests.catalog_import import decision_files as df
from tests.catalog_import.test_import_decision import days_ago, laocai_title, songma_rows, songma_title
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/catalog_import/importrun/upload/"


def upload(client, path, **fields):
    with open(path, "rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), **fields}
    return client.post(UPLOAD, data)


def test_upload_shows_the_plan_then_confirm_applies_it(staff_client, files):
    path = df.write_xlsx(files / "songma.xlsx", df.HEADER, songma_rows(), title=songma_title(days_ago(50)))

    page = upload(staff_client, path)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-outcome="new"') == 7
    assert "Quyết định 2345/QĐ-UBND" in html
    assert Certification.objects.count() == 0  # nothing applied before the confirm
    run = ImportRun.objects.get()
    assert run.status == RunStatus.PLANNED

    confirmed = staff_client.post(f"/admin/catalog_import/importrun/{run.pk}/confirm/")

    assert confirmed.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.counts["new"], run.decision.number) == (RunStatus.APPLIED, 7, "2345/QĐ-UBND")
    assert Certification.objects.count() == 7
    assert staff_client.get(f"/admin/catalog_import/importrun/{run.pk}/change/").status_code == 200

    undo_page = staff_client.get(f"/admin/catalog_import/importrun/{run.pk}/undo/")
    assert undo_page.status_code == 200
    staff_client.post(f"/admin/catalog_import/importrun/{run.pk}/undo/")
    assert (Certification.objects.count(), Product.objects.count()) == (0, 0)


def test_upload_with_errors_offers_no_confirm(staff_client, files):
    rows = songma_rows()
    rows[0][4] = "6 sao"
    path = df.write_csv(files / "bad.csv", df.HEADER, rows, title=songma_title(days_ago(50)))

    html = upload(staff_client, path).content.decode()

    assert "bad.csv, line 7, column E &#x27;Hạng sao&#x27;: star rating 6 is outside 3–5" in html
    assert "data-plan-confirm" not in html


def test_non_staff_cannot_upload(files, shopper_client):
    path = df.write_csv(files / "x.csv", df.HEADER, songma_rows(), title=songma_title(days_ago(50)))
    response = upload(shopper_client, path)
    assert response.status_code == 302  # to the admin login
    assert ImportRun.objects.count() == 0


def test_staff_without_permission_is_refused(files):
    client = Client()
    client.force_login(StaffFactory())
    path = df.write_csv(files / "x.csv", df.HEADER, songma_rows(), title=songma_title(days_ago(50)))
    assert upload(client, path).status_code == 403
    assert ImportRun.objects.count() == 0


def test_review_queue_lists_close_calls_and_resolves_one(staff_client, files, import_decision):
    header, rows = df.reference_rows("laocai_4261.txt")
    import_decision(df.write_csv(files / "4261.csv", header, rows, title=laocai_title(days_ago(400))))
    close = [["1", "Ruốc lợn Mường Khương", "HTX Sơn Hòa", "3 sao"]]
    import_decision(
        df.write_csv(files / "600.csv", header, close, title=laocai_title(days_ago(10), "600/QĐ-UBND"))
    )
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS)

    listing = staff_client.get("/admin/catalog_import/reviewitem/")
    assert "Ruốc lợn Mường Khương" in listing.content.decode()
    page = staff_client.get(f"/admin/catalog_import/reviewitem/{row.pk}/change/")
    html = page.content.decode()
    assert "data-review-candidates" in html
    assert "Ruốc lợn bản Mường Khương" in html

    choice = f"product:{row.candidates[0]['product_id']}"
    response = staff_client.post(f"/admin/catalog_import/reviewitem/{row.pk}/change/", {"choice": choice})

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.outcome, row.resolved_at is not None) == (Outcome.RENEWED, True)
    assert (
        "Ruốc lợn Mường Khương" not in staff_client.get("/admin/catalog_import/reviewitem/").content.decode()
    )


@pytest.mark.parametrize("rows", [1, 40])
def test_import_lists_run_a_constant_number_of_queries(
    rows, staff_client, files, import_decision, django_assert_max_num_queries
):
    header, _ = df.reference_rows("laocai_4261.txt")
    table = [[str(i + 1), f"Sản phẩm thử {i}", f"HTX Thử nghiệm số {i}", "3 sao"] for i in range(rows)]
    import_decision(df.write_csv(files / "a.csv", header, table, title=laocai_title(days_ago(30))))
    run = ImportRun.objects.get()
    with django_assert_max_num_queries(12):
        assert staff_client.get("/admin/catalog_import/importrun/").status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            staff_client.get(f"/admin/catalog_import/importrow/?run__id__exact={run.pk}").status_code == 200
        )
    with django_assert_max_num_queries(12):
        assert staff_client.get(f"/admin/catalog_import/importrun/{run.pk}/change/").status_code == 200
