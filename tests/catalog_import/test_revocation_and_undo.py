"""Revocations take products off the storefront at once; a whole import can be undone until a later decision
touches the same products."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from catalog_import.models import ImportRun, RunStatus
from catalog_import.services import import_undo, import_undo_blockers
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.certification.models import Certification, CertificationState
from tests.catalog_import import decision_files as df
from tests.catalog_import.test_import_decision import (
    _messy_rerating,
    days_ago,
    domain,
    laocai_title,
    snapshot,
)
from tests.factories import CertificationFactory, DecisionFactory, ProducerFactory, visible_product

pytestmark = pytest.mark.django_db


def hatinh_rows():
    """Hà Tĩnh 3763/QĐ-UBND (5 revoked products); rows 4–5 name no producer in the source."""
    _, rows = df.reference_rows("hatinh_3763_thuhoi.txt")
    return [[r[0], r[1], "" if r[2].startswith("(") else r[2], r[3], r[4]] for r in rows]


def hatinh_catalogue(recognition_date: datetime.date):
    """The revoked products as the marketplace knew them: published, certified by 156/QĐ-UBND."""
    recognition = DecisionFactory(number="156/QĐ-UBND", issuer="UBND tỉnh Hà Tĩnh", date=recognition_date)
    products = {}
    for _, name, producer, _address, _reason in hatinh_rows()[:4]:
        owner = ProducerFactory(name=producer or "Công ty TNHH Hoàng Phát", province="ha-tinh")
        product = visible_product(producer=owner, name=name, slug=None or f"sp-{len(products)}", stars=3)
        Certification.objects.filter(product=product).update(decision=recognition)
        products[name] = product
    return products


REVOCATION_HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa bàn", "Lý do"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_revocation_ends_certificates_and_the_storefront_answers_410(fmt, files, import_decision, request):
    if fmt == "pdf":
        request.getfixturevalue("need_pdf_font")
    products = hatinh_catalogue(days_ago(300))
    bystander = visible_product(name="Cà phê Arabica Sơn La")
    client = Client()
    assert client.get("/products/sp-0/").status_code == 200
    date = days_ago(2)
    title = [
        f"Quyết định số 3763/QĐ-UBND ngày {date:%d/%m/%Y} của UBND tỉnh Hà Tĩnh",
        "về việc thu hồi chứng nhận sản phẩm đạt tiêu chuẩn OCOP cấp tại Quyết định số 156/QĐ-UBND",
    ]
    path = df.write(fmt, files / f"3763.{fmt}", REVOCATION_HEADER, hatinh_rows(), title=title)

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout
    assert result.json["decision"]["kind"] == "revocation"
    assert result.json["revoked"] == 4, result.stdout
    assert result.json["unmatched"] == [{"row": 6, "product": "cam Nhật Quang Thượng Lộc", "producer": ""}]
    for product in products.values():
        cert = Certification.objects.get(product=product)
        assert (cert.state, cert.revoked_by.number) == (CertificationState.REVOKED, "3763/QĐ-UBND")
        response = client.get(f"/products/{product.slug}/")
        assert response.status_code == 410
    visible = set(products_visible_to_shoppers().values_list("pk", flat=True))
    assert visible == {bystander.pk}
    home = client.get("/").content.decode()
    assert 'data-product-slug="sp-0"' not in home
    assert f'data-product-slug="{bystander.slug}"' in home
    # Importing the revocation again changes nothing.
    again = import_decision(path, "--json")
    assert (again.json["revoked"], again.json["unchanged"]) == (0, 4)


def test_real_revocation_of_2021_on_expired_certificates(files, import_decision):
    """The real 3763/QĐ-UBND of 18/11/2021: the products it cites are revoked even where the certificate has
    since run out, so their pages say 'revoked', not 'expired'."""
    products = hatinh_catalogue(datetime.date(2020, 12, 30))
    title = [
        "Quyết định số 3763/QĐ-UBND ngày 18/11/2021 - Chủ tịch UBND tỉnh Hà Tĩnh ký, thu hồi chứng nhận OCOP"
    ]
    path = df.write_xlsx(files / "3763.xlsx", REVOCATION_HEADER, hatinh_rows(), title=title)

    result = import_decision(path, "--json")

    assert result.json["revoked"] == 4
    assert Client().get(f"/products/{products['gạo Cẩm Thành'].slug}/").status_code == 410


def test_undo_restores_the_database_and_waits_for_later_decisions(files, import_decision, staff):
    header, rows = df.reference_rows("laocai_4261.txt")
    start = domain(snapshot())
    import_decision(df.write_xlsx(files / "4261.xlsx", header, rows, title=laocai_title(days_ago(400))))
    after_first = domain(snapshot())
    import_decision(_messy_rerating(files, days_ago(20)))
    first, second = ImportRun.objects.order_by("applied_at")

    assert import_undo_blockers(run=first) == ["a later decision (512/QĐ-UBND) changed the same products"]
    with pytest.raises(ValidationError):
        import_undo(run=first, by=staff)

    import_undo(run=second, by=staff)
    assert domain(snapshot()) == after_first
    assert import_undo_blockers(run=first) == []
    import_undo(run=first, by=staff)
    assert domain(snapshot()) == start
    assert set(ImportRun.objects.values_list("status", flat=True)) == {RunStatus.UNDONE}


def test_undo_is_refused_once_the_producer_listed_a_created_product(files, import_decision, staff):
    header, rows = df.reference_rows("laocai_4261.txt")
    import_decision(df.write_csv(files / "4261.csv", header, rows, title=laocai_title(days_ago(30))))
    run = ImportRun.objects.get()
    product = run.rows.get(product_name="Lê Nậm Pung").product
    product.is_published = True
    product.save()

    assert import_undo_blockers(run=run) == ["the producer has since listed 'Lê Nậm Pung'"]


def test_active_certificate_of_an_import_keeps_product_visible_once_listed(files, import_decision):
    header, rows = df.reference_rows("laocai_4261.txt")
    import_decision(df.write_csv(files / "4261.csv", header, rows, title=laocai_title(days_ago(30))))
    run = ImportRun.objects.get()
    product = run.rows.get(product_name="Lê Nậm Pung").product
    assert not products_visible_to_shoppers().filter(pk=product.pk).exists()  # certified but unlisted
    from marketplace.certification.selectors import products_certified_unlisted

    claimable = products_certified_unlisted(producer_id=product.producer_id)
    assert list(claimable.values_list("name", flat=True)) == ["Lê Nậm Pung"]
    product.is_published = True  # the producer claims and lists it
    product.save()
    assert products_visible_to_shoppers().filter(pk=product.pk).exists()
    assert CertificationFactory._meta.model.objects.get(product=product).valid_from == days_ago(30)
    assert timezone.localdate() > days_ago(30)


def test_revocation_metadata_from_the_command_line(files, import_decision):
    products = hatinh_catalogue(days_ago(300))
    path = df.write_csv(files / "annex.csv", REVOCATION_HEADER, hatinh_rows())  # an annex without title lines
    date = days_ago(1).isoformat()

    result = import_decision(
        path, "--json", "--kind", "revocation", "--number", "3763/QĐ-UBND", "--date", date,
        "--issuer", "UBND tỉnh Hà Tĩnh",
    )  # fmt: skip

    assert result.code == 0, result.stdout
    assert result.json["decision"] == {
        "number": "3763/QĐ-UBND",
        "date": date,
        "issuer": "UBND tỉnh Hà Tĩnh",
        "kind": "revocation",
        "title": "",
    }
    assert result.json["revoked"] == 4
    assert not products_visible_to_shoppers().filter(pk__in=[p.pk for p in products.values()]).exists()


def test_missing_metadata_is_an_error(files, import_decision):
    path = df.write_csv(files / "annex.csv", REVOCATION_HEADER, hatinh_rows())

    result = import_decision(path, "--json")

    assert result.code == 2
    # ...and, taken for a recognition (the kind is not given either), its rows lack stars.
    assert [e["message"] for e in result.json["errors"]][:4] == [
        "annex.csv: decision number missing: not in the document's title lines; pass --number.",
        "annex.csv: decision date missing: not in the document's title lines; pass --date.",
        "annex.csv: issuer missing: not in the document's title lines; pass --issuer.",
        "annex.csv, line 2, column 'Hạng sao' (missing): no star rating.",
    ]
