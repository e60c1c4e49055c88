"""`manage.py import_decision` end to end on decision files in all four formats, built from the real rows in
reference/ (where a source gives no number or date, the test supplies them)."""

import datetime
import unicodedata

import pytest
from django.db import transaction
from django.utils import timezone

from catalog_import.models import ImportRow, ImportRun, Outcome, RunStatus
from marketplace.catalog.models import Product
from marketplace.certification.models import Certification, CertificationState, Decision
from marketplace.producers.models import Producer
from tests.catalog_import import decision_files as df

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CONTRACT_KEYS = [
    "decision",
    "created",
    "renewed",
    "upgraded",
    "downgraded",
    "revoked",
    "unchanged",
    "unmatched",
    "ambiguous",
    "errors",
]


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def songma_title(date: datetime.date, number: str = "2345/QĐ-UBND") -> list[str]:
    return [
        "ỦY BAN NHÂN DÂN HUYỆN SÔNG MÃ",
        "TỈNH SƠN LA",
        f"Số: {number}",
        f"Sông Mã, ngày {date.day} tháng {date.month} năm {date.year}",
        "QUYẾT ĐỊNH về việc công nhận kết quả đánh giá, phân hạng sản phẩm OCOP năm 2023",
    ]


def songma_rows():
    """Sông Mã 2023 (7 products): STT, product, producer, address, stars."""
    _, rows = df.reference_rows("sonla_songma_2023.txt")
    return [[r[0], r[1], r[2], "huyện Sông Mã, tỉnh Sơn La", r[4]] for r in rows]


def laocai_title(date: datetime.date, number: str = "4261/QĐ-UBND") -> list[str]:
    return [
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        f"Quyết định số {number} ngày {date:%d/%m/%Y}",
        "Về việc phê duyệt kết quả đánh giá, phân hạng sản phẩm OCOP tỉnh Lào Cai đợt 2 năm 2021",
    ]


def snapshot() -> dict:
    """Every row the import may touch, to compare the database before and after."""
    models = [Producer, Product, Decision, Certification, ImportRun, ImportRow]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def domain(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k not in {"ImportRun", "ImportRow"}}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx", "pdf"])
def test_recognition_creates_certified_but_unlisted_products(fmt, files, import_decision, request):
    if fmt == "pdf":
        request.getfixturevalue("need_pdf_font")
    date = days_ago(100)
    path = df.write(fmt, files / f"songma.{fmt}", df.HEADER, songma_rows(), title=songma_title(date))

    result = import_decision(path, "--json")

    assert result.code == 0, result.stderr
    output = result.json
    assert list(output) == CONTRACT_KEYS
    assert output["decision"] == {
        "number": "2345/QĐ-UBND",
        "date": date.isoformat(),
        "issuer": "UBND huyện Sông Mã",
        "kind": "recognition",
        "title": "QUYẾT ĐỊNH về việc công nhận kết quả đánh giá, phân hạng sản phẩm OCOP năm 2023",
    }
    assert {k: output[k] for k in CONTRACT_KEYS[1:]} == {
        "created": 7,
        "renewed": 0,
        "upgraded": 0,
        "downgraded": 0,
        "revoked": 0,
        "unchanged": 0,
        "unmatched": [],
        "ambiguous": [],
        "errors": [],
    }
    products = Product.objects.select_related("producer").order_by("pk")
    assert [(p.name, p.producer.name, p.is_published) for p in products] == [
        (r[1], r[2], False) for r in songma_rows()
    ]
    kinds = dict(Producer.objects.values_list("name", "kind"))
    assert kinds["HTX Hưng Lộc"] == "cooperative"
    assert kinds["Công ty TNHH Nông lâm nghiệp Sông Mã"] == "company"
    assert kinds["hộ kinh doanh Lê Đức Anh"] == "household"
    assert set(Producer.objects.values_list("province", flat=True)) == {"son-la"}
    certs = Certification.objects.all()
    assert {(c.stars, c.state, c.valid_from) for c in certs} == {(3, CertificationState.ACTIVE, date)}
    assert certs.count() == 7
    run = ImportRun.objects.get()
    assert (run.status, run.counts["new"], len(run.checksum)) == (RunStatus.APPLIED, 7, 64)
    assert run.decision.level == "district"


def test_same_decision_again_changes_nothing(files, import_decision):
    path = df.write_xlsx(
        files / "songma.xlsx", df.HEADER, songma_rows(), title=songma_title(days_ago(100)), merged_header=True
    )
    assert import_decision(path, "--json").json["created"] == 7
    before = domain(snapshot())

    again = import_decision(path, "--json")

    assert again.code == 0
    assert (again.json["created"], again.json["unchanged"]) == (0, 7)
    assert domain(snapshot()) == before
    assert ImportRun.objects.count() == 2  # both imports are recorded


def test_dry_run_prints_the_plan_and_writes_nothing(files, import_decision):
    path = df.write_csv(files / "songma.csv", df.HEADER, songma_rows(), title=songma_title(days_ago(100)))
    before = snapshot()

    result = import_decision(path, "--dry-run")

    assert result.code == 0
    assert "line 7  new         Long nhãn sấy khô — HTX Dịch vụ nông nghiệp Hoa Mười" in result.stdout
    assert result.stdout.rstrip().endswith("Planned (dry run): 7 new.")
    assert snapshot() == before


def _messy_rerating(files, date: datetime.date):
    """A re-rating of Lào Cai products written differently: columns shuffled and renamed, decomposed Unicode,
    abbreviations spelled out, the producer repeated inside a product name."""
    header = ["Xếp hạng", "Tên chủ thể", "STT", "Sản phẩm", "Ghi chú"]
    rows = [
        ["03 sao", "Hợp tác xã Bưởi Múc Thái Niên", "1", "Quả bưởi Múc", "đánh giá lại"],  # 4 → 3
        ["4*", "Hợp tác xã Minh Ngọc", "2", "QUẢ NHÃN  PHONG NIÊN", ""],  # 3 → 4
        ["★★★", "THT Lê Nậm Pung", "3", "Lê Nậm Pung", ""],  # 3 → 3
        ["3", "HTX Quang Tom", "4", "Mận Tam hoa sấy dẻo (HTX Quang Tom)", ""],  # 3 → 3
        ["3 sao", "Cty CP Phong Hải Lào Cai", "5", "Bánh gạo lứt Phong Hải", "sản phẩm mới"],  # new
    ]
    title = [unicodedata.normalize("NFD", line) for line in laocai_title(date, "512/QĐ-UBND")]
    return df.write_csv(files / "rerating.csv", header, rows, title=title, transform=df.nfd)


def test_rerating_up_down_renewed_and_new_from_a_messy_file(files, import_decision):
    header, rows = df.reference_rows("laocai_4261.txt")
    first = df.write_docx(files / "4261.docx", header, rows, title=laocai_title(days_ago(400)))
    assert import_decision(first, "--json").json["created"] == 22

    result = import_decision(_messy_rerating(files, days_ago(20)), "--json")

    assert result.code == 0, result.stdout
    assert {k: result.json[k] for k in ["created", "renewed", "upgraded", "downgraded", "unchanged"]} == {
        "created": 1,
        "renewed": 2,
        "upgraded": 1,
        "downgraded": 1,
        "unchanged": 0,
    }
    assert result.json["ambiguous"] == []
    assert result.json["unmatched"] == []
    stars = {
        c.product.name: c.stars
        for c in Certification.objects.filter(state=CertificationState.ACTIVE).select_related("product")
    }
    assert stars["Quả bưởi Múc"] == 3
    assert stars["Quả nhãn Phong Niên"] == 4
    assert stars["Bánh gạo lứt Phong Hải"] == 3
    assert Certification.objects.filter(state=CertificationState.SUPERSEDED).count() == 4
    # The new product joined its existing producer, written "Cty CP" in this decision.
    new = Product.objects.get(name="Bánh gạo lứt Phong Hải")
    assert new.producer.name == "Công ty Cổ phần Phong Hải Lào Cai"
    assert Producer.objects.count() == 16


def test_expired_certificate_from_an_old_decision(files, import_decision):
    """Thanh Hóa 5445/QĐ-UBND of 23/12/2019 names no producers: rows match known products by name, the others
    stay unmatched; certificates older than 36 months are recorded as expired and show nobody anything."""
    from tests.factories import ProducerFactory, ProductFactory

    producer = ProducerFactory(name="HTX Nông nghiệp Quảng Xương", province="thanh-hoa")
    melon = ProductFactory(producer=producer, name="Dưa lưới taki", is_published=True)
    header, rows = df.reference_rows("thanhhoa_5445.txt")
    title = [
        "ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        "Quyết định số 5445/QĐ-UBND ngày 23 tháng 12 năm 2019",
        "phê duyệt kết quả đánh giá, xếp hạng cho 13 sản phẩm OCOP tỉnh Thanh Hóa, năm 2019",
    ]
    path = df.write_xlsx(files / "5445.xlsx", header, rows, title=title)

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout
    assert result.json["created"] == 1
    assert [u["row"] for u in result.json["unmatched"]] == list(range(6, 18))
    assert result.json["unmatched"][0] == {"row": 6, "product": "dưa chuột baby", "producer": ""}
    cert = Certification.objects.get(product=melon)
    assert (cert.stars, cert.state, cert.valid_until) == (
        4,
        CertificationState.EXPIRED,
        datetime.date(2022, 12, 23),
    )
    from marketplace.catalog.selectors import products_visible_to_shoppers

    assert not products_visible_to_shoppers().filter(pk=melon.pk).exists()


def test_close_product_name_goes_to_the_review_queue(files, import_decision, staff):
    header, rows = df.reference_rows("laocai_4261.txt")
    import_decision(df.write_csv(files / "4261.csv", header, rows, title=laocai_title(days_ago(400))))
    close = [["1", "Ruốc lợn Mường Khương", "HTX Sơn Hòa", "4 sao"]]
    path = df.write_csv(files / "600.csv", header, close, title=laocai_title(days_ago(10), "600/QĐ-UBND"))

    result = import_decision(path, "--json")

    assert result.code == 0
    [ambiguous] = result.json["ambiguous"]
    best = ambiguous["candidates"][0]
    assert (best["product"], best["producer"]) == ("Ruốc lợn bản Mường Khương", "HTX Sơn Hòa")
    assert 75 <= best["score"] < 92
    assert Certification.objects.filter(decision__number="600/QĐ-UBND").count() == 0
    row = ImportRow.objects.get(outcome=Outcome.AMBIGUOUS)
    from catalog_import.services import review_resolve

    resolved = review_resolve(row=row, by=staff, product_id=ambiguous["candidates"][0]["product_id"])

    assert (resolved.outcome, resolved.certification.stars) == (Outcome.UPGRADED, 4)
    assert resolved.product.name == "Ruốc lợn bản Mường Khương"


def test_same_name_under_another_legal_form_is_a_close_call(files, import_decision):
    from tests.factories import ProducerFactory, ProductFactory

    cooperative = ProducerFactory(name="HTX Sơn Hòa", province="lao-cai")
    ProductFactory(producer=cooperative, name="Khẩu nhục Mường Khương")
    header, _ = df.reference_rows("laocai_4261.txt")
    rows = [["1", "Khẩu nhục Mường Khương", "Công ty TNHH Sơn Hòa", "3 sao"]]
    path = df.write_csv(files / "700.csv", header, rows, title=laocai_title(days_ago(10), "700/QĐ-UBND"))

    result = import_decision(path, "--json")

    [close] = result.json["ambiguous"]
    assert close["candidates"] == [
        {
            "producer_id": cooperative.pk,
            "producer": "HTX Sơn Hòa",
            "product_id": None,
            "product": "",
            "score": 90,
        }
    ]


def _as_the_orm_writes_it(model, row: dict) -> dict:
    """The row bulk_create would store for the same given values (in a savepoint rolled back)."""
    given = {f.attname: row[f.attname] for f in model._meta.concrete_fields if f.attname in GIVEN[model]}
    with transaction.atomic():
        [obj] = model.objects.bulk_create([model(**{**given, "slug": "orm-twin"})])
        stored = model.objects.filter(pk=obj.pk).values()[0]
        transaction.set_rollback(True)
    return {k: v for k, v in stored.items() if k not in {"id", "slug", "created_at", "updated_at"}}


GIVEN = {
    Producer: {"name", "kind", "province", "address"},
    Product: {"producer_id", "category_id", "name", "is_published"},
}


def test_new_producers_and_products_are_the_rows_the_orm_wrote(files, import_decision):
    """They are written by COPY (a decision brings thousands): every column as bulk_create would set it."""
    path = df.write("csv", files / "songma.csv", df.HEADER, songma_rows(), title=songma_title(days_ago(100)))
    started = timezone.now()

    assert import_decision(path).code == 0

    for model in (Producer, Product):
        rows = list(model.objects.values())
        assert rows
        for row in rows:
            assert {k: v for k, v in row.items() if k not in {"id", "slug", "created_at", "updated_at"}} == (
                _as_the_orm_writes_it(model, row)
            )
            assert row["slug"] and started <= row["created_at"] == row["updated_at"] <= timezone.now()
    run_rows = ImportRow.objects.filter(created_product=True)
    assert set(run_rows.values_list("product_id", flat=True)) == set(
        Product.objects.values_list("pk", flat=True)
    )
