"""The review queue people can finish: choose a candidate (correcting the stars of a scanned row), "none of
these — a new producer and product", reject the row, accept every row whose best candidate is clear. Undo
puts each certificate back exactly as it was."""

import datetime

import pytest
from django.test import Client

from catalog_import.models import ImportRow, ImportRun, Outcome
from catalog_import.readers.ocr import tesseract_missing
from catalog_import.services import import_undo
from marketplace.catalog.models import Product
from marketplace.certification.models import Certification, CertificationState
from marketplace.producers.models import Producer
from tests.catalog_import import decision_files as df
from tests.catalog_import.test_import_decision import days_ago, domain, laocai_title, snapshot

pytestmark = pytest.mark.django_db
REVIEW = "/admin/catalog_import/reviewitem/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def close_calls(files, import_decision, rows):
    """Lào Cai 4261 imported, then a later decision whose rows are close to (not equal to) known names."""
    header, known = df.reference_rows("laocai_4261.txt")
    import_decision(df.write_csv(files / "4261.csv", header, known, title=laocai_title(days_ago(400))))
    path = df.write_csv(files / "600.csv", header, rows, title=laocai_title(days_ago(10), "600/QĐ-UBND"))
    result = import_decision(path, "--json")
    assert result.code == 0, result.stdout
    return ImportRun.objects.get(decision__number="600/QĐ-UBND")


def test_reject_writes_nothing(staff_client, files, import_decision):
    close_calls(files, import_decision, [["1", "Ruốc lợn Mường Khương", "HTX Sơn Hòa", "4 sao"]])
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS)
    before = domain(snapshot())

    response = staff_client.post(f"{REVIEW}{row.pk}/change/", {"choice": "reject"})

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.outcome, row.resolved_at is not None, row.certification) == (Outcome.REJECTED, True, None)
    assert domain(snapshot()) == before
    assert "Ruốc lợn Mường Khương" not in staff_client.get(REVIEW).content.decode()


def test_none_of_these_creates_producer_and_product_and_undo_removes_them(
    staff_client, staff, files, import_decision
):
    run = close_calls(files, import_decision, [["1", "Ruốc lợn Mường Khương", "HTX Mản Thẩm", "4 sao"]])
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS)
    before = domain(snapshot())

    response = staff_client.post(f"{REVIEW}{row.pk}/change/", {"choice": "new"})

    assert response.status_code == 302
    product = Product.objects.get(name="Ruốc lợn Mường Khương")
    assert (product.producer.name, product.producer.province, product.is_published) == (
        "HTX Mản Thẩm",
        "lao-cai",
        False,
    )
    assert Certification.objects.get(product=product).stars == 4
    import_undo(run=run, by=staff)
    after = domain(snapshot())
    assert after["Product"] == before["Product"] and after["Producer"] == before["Producer"]
    assert not Producer.objects.filter(name="HTX Mản Thẩm").exists()


def test_choose_a_candidate_with_corrected_stars(staff_client, files, import_decision):
    close_calls(files, import_decision, [["1", "Ruốc lợn Mường Khương", "HTX Sơn Hòa", "3 sao"]])
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS)
    product_id = row.candidates[0]["product_id"]

    refused = staff_client.post(
        f"{REVIEW}{row.pk}/change/", {"choice": f"product:{product_id}", "stars": "6"}
    )
    assert "Hạng sao phải là 3, 4 hoặc 5." in refused.content.decode()
    assert not Certification.objects.filter(product_id=product_id, stars=4).exists()

    staff_client.post(f"{REVIEW}{row.pk}/change/", {"choice": f"product:{product_id}", "stars": "4"})

    row.refresh_from_db()
    assert (row.outcome, row.stars) == (Outcome.UPGRADED, 4)
    active = Certification.objects.get(product_id=product_id, state=CertificationState.ACTIVE)
    assert (active.stars, active.decision.number) == (4, "600/QĐ-UBND")


def test_accept_all_confident_rows(staff_client, files, import_decision):
    rows = [
        ["1", "Ruốc lợn Mường Khương", "HTX Sơn Hòa", "3 sao"],  # one clear candidate
        ["2", "Phong Hải Danh Trà", "Công ty Cổ phần Phong Hải Lào Cai", "3 sao"],  # sen or nhài?
    ]
    close_calls(files, import_decision, rows)
    waiting = list(ImportRow.objects.filter(outcome=Outcome.AMBIGUOUS).order_by("row_number"))
    assert len(waiting) == 2

    response = staff_client.post(
        REVIEW, {"action": "accept_confident", "_selected_action": [r.pk for r in waiting]}
    )

    assert response.status_code == 302
    clear, unclear = (ImportRow.objects.get(pk=r.pk) for r in waiting)
    assert clear.outcome == Outcome.RENEWED
    assert clear.product.name == "Ruốc lợn bản Mường Khương"
    assert (unclear.outcome, unclear.resolved_at) == (Outcome.AMBIGUOUS, None)


def test_review_is_for_staff_with_permission(files, import_decision, shopper_client):
    close_calls(files, import_decision, [["1", "Ruốc lợn Mường Khương", "HTX Sơn Hòa", "4 sao"]])
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS)
    before = domain(snapshot())
    response = shopper_client.post(f"{REVIEW}{row.pk}/change/", {"choice": "reject"})
    assert response.status_code == 302 and "/login/" in response.url
    assert domain(snapshot()) == before
    assert ImportRow.objects.get(pk=row.pk).outcome == Outcome.AMBIGUOUS


def test_undo_restores_each_certificate_exactly(files, import_decision, staff):
    """A revocation of an expired certificate, undone: the certificate's ended_at is its own again (not the
    time of the undo), and so are its state and links."""
    from tests.catalog_import.test_revocation_and_undo import REVOCATION_HEADER, hatinh_catalogue, hatinh_rows

    products = hatinh_catalogue(days_ago(1200))
    ended = datetime.datetime(2024, 1, 5, 3, 4, 5, tzinfo=datetime.UTC)
    Certification.objects.filter(product__in=products.values()).update(
        state=CertificationState.EXPIRED, ended_at=ended
    )
    before = domain(snapshot())
    title = [f"Quyết định số 3763/QĐ-UBND ngày {days_ago(5):%d/%m/%Y} của UBND tỉnh Hà Tĩnh, thu hồi"]
    result = import_decision(
        df.write_docx(files / "3763.docx", REVOCATION_HEADER, hatinh_rows(), title=title), "--json"
    )
    assert result.json["revoked"] == 4

    import_undo(run=ImportRun.objects.get(), by=staff)

    assert domain(snapshot()) == before
    assert set(Certification.objects.values_list("ended_at", flat=True)) == {ended}


@pytest.mark.skipif(bool(tesseract_missing()), reason=f"NOTICE: {tesseract_missing()}")
def test_scanned_row_shows_its_picture_to_staff_only(staff_client, files, import_decision):
    import dataclasses

    from tests.catalog_import import scans

    sample = next(a for a in scans.annexes() if a.name == "sonla-b")
    sample = dataclasses.replace(sample, rows=sample.rows[:4], degrade={"smudge": (2,)})
    scans.seed_catalogue([sample])
    import_decision(scans.write(sample, files, fmt="png", rows_per_page=4), "--json")
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS, row_number=3)

    page = staff_client.get(f"{REVIEW}{row.pk}/change/").content.decode()
    image = staff_client.get(f"{REVIEW}{row.pk}/image/")

    assert f'src="{REVIEW}{row.pk}/image/"' in page
    assert "data-review-stars" in page and "Hạng sao" in page
    assert image.status_code == 200 and b"".join(image.streaming_content)[:4] == b"\x89PNG"
    assert Client().get(f"{REVIEW}{row.pk}/image/").status_code == 302  # to the admin login
    expected = sample.rows[1][2]
    choice = f"product:{row.candidates[0]['product_id']}"
    staff_client.post(f"{REVIEW}{row.pk}/change/", {"choice": choice, "stars": str(expected)})
    row.refresh_from_db()
    assert (row.stars, row.certification.stars) == (expected, expected)
