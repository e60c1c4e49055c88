"""Text robustness as classes: every encoding × delimiter × number of title lines × header wording × case that
provinces' Excel, LibreOffice and Word exports produce reads to the same rows; legal-form spellings and
issuer spellings fold to one key. Plus the three files from issue 14 that failed, end to end."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_import.columns import parse_document
from catalog_import.meta import issuer_key, meta_from_title, reconcile
from catalog_import.names import display_name, name_key
from catalog_import.readers import ImportFileError, read_document
from catalog_import.readers.csv import repair_mojibake
from tests.catalog_import import decision_files as df

LAOCAI_TITLE = [
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
    "Quyết định số 4261/QĐ-UBND ngày 20/12/2021",
    "Về việc phê duyệt kết quả đánh giá, phân hạng sản phẩm OCOP tỉnh Lào Cai đợt 2 năm 2021",
]
EXTRA_TITLES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "PHỤ LỤC",
    "DANH SÁCH SẢN PHẨM ĐẠT CHUẨN OCOP",
    "(Kèm theo Quyết định số 4261/QĐ-UBND ngày 20/12/2021 của UBND tỉnh Lào Cai)",
]
SYNONYMS = {
    "stt": ["STT", "TT", "Số TT", "Số thứ tự"],
    "product": ["Tên sản phẩm", "Sản phẩm", "Tên SP", "TÊN SẢN PHẨM OCOP", "Sản phẩm OCOP"],
    "producer": ["Chủ thể", "Tên chủ thể", "Đơn vị", "Cơ sở sản xuất", "Chủ thể sản xuất", "Tên đơn vị"],
    "stars": ["Hạng sao", "Số sao", "Xếp hạng", "Kết quả", "Kết quả phân hạng", "Hạng"],
}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1258", "cp1258-nfd", "mojibake"]
DELIMITERS = [",", ";", "\t"]


def laocai():
    return df.reference_rows("laocai_4261.txt")


def encode(text: str, encoding: str) -> bytes:
    """Bytes as the exporting program writes them."""
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if encoding == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if encoding == "cp1258":
        return df.to_cp1258(text)
    if encoding == "cp1258-nfd":
        return df.to_cp1258(text, decomposed=True)
    if encoding == "mojibake":
        return df.mojibake(text).encode("utf-8")
    return text.encode(encoding)


def write(path, header, rows, *, encoding, delimiter, title=(), case=str):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    width = len(header)
    # Excel pads a title line with empty cells to the table's width.
    writer.writerows([[case(t)] + [""] * (width - 1) for t in title])
    writer.writerow(header)
    writer.writerows([[case(c) for c in r] for r in rows])
    path.write_bytes(encode(buffer.getvalue(), encoding))
    return path


def assert_rows(parsed, rows, case=str):
    assert [(r.product, r.producer, r.stars) for r in parsed.rows] == [
        (unicodedata.normalize("NFC", case(r[1])), case(r[2]), case(r[3])) for r in rows
    ]
    assert all(unicodedata.is_normalized("NFC", r.product + r.producer) for r in parsed.rows)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delimiter", DELIMITERS, ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("titles", [0, 1, 8])
def test_csv_encoding_delimiter_and_title_lines(encoding, delimiter, titles, tmp_path):
    header, rows = laocai()
    title = (LAOCAI_TITLE + EXTRA_TITLES)[:titles]
    path = write(tmp_path / "annex.csv", header, rows, encoding=encoding, delimiter=delimiter, title=title)

    parsed = parse_document(read_document(path))

    assert_rows(parsed, rows)
    assert parsed.rows[0].location == f"line {titles + 2}"
    if titles:
        assert meta_from_title(parsed.title_lines).issuer == "UBND tỉnh Lào Cai"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from(DELIMITERS),
    titles=st.integers(min_value=0, max_value=len(LAOCAI_TITLE + EXTRA_TITLES)),
    words=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in SYNONYMS.items()}),
    header_case=st.sampled_from([str, str.upper, str.lower]),
    case=st.sampled_from([str, str.upper]),
)
def test_any_mix_of_export_quirks_reads_the_same_rows(
    encoding, delimiter, titles, words, header_case, case, tmp_path_factory
):
    _, rows = laocai()
    header = [header_case(words[k]) for k in ("stt", "product", "producer", "stars")]
    title = (LAOCAI_TITLE + EXTRA_TITLES)[:titles]
    path = tmp_path_factory.mktemp("csv") / "annex.csv"
    write(path, header, rows, encoding=encoding, delimiter=delimiter, title=title, case=case)

    parsed = parse_document(read_document(path))

    assert_rows(parsed, rows, case)


def test_mojibake_is_repaired_and_plain_capitals_are_left_alone():
    assert repair_mojibake(df.mojibake("Cà phê Bích Thao, Đường")) == "Cà phê Bích Thao, Đường"
    for text in ("CỬA HÀNG NGÃ BA ĐẶC SẢN", "XÃ ÂN THI", "HTX NÔNG SẢN SẠCH TÂN LẬP"):
        assert repair_mojibake(text) == text


def test_csv_cell_over_the_csv_module_limit_names_file_and_line(tmp_path):
    import csv

    path = tmp_path / "huge_cell.csv"
    long = "x" * (csv.field_size_limit() + 10)
    path.write_text(f'STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,Chè,HTX A,3\n2,"{long}",HTX B,3\n', "utf-8")
    with pytest.raises(ImportFileError) as error:
        read_document(path)
    assert error.value.message.startswith(
        "huge_cell.csv, line 3: unreadable CSV (field larger than field limit"
    )


# --- Legal forms and capitals ---------------------------------------------------------------------------
LEGAL_FORMS = [
    ["Công ty cổ phần", "Cty CP", "CTy CP", "Công ty CP", "CTCP", "C.ty cổ phần", "CÔNG TY CỔ PHẦN"],
    ["Công ty TNHH", "Cty TNHH", "Công ty trách nhiệm hữu hạn", "CÔNG TY TNHH"],
    ["Công ty TNHH MTV", "Công ty TNHH một thành viên", "Cty TNHH 1 thành viên"],
    ["Hợp tác xã", "HTX", "Hợp tác xã (HTX)"],
    ["Tổ hợp tác", "THT", "tổ hợp tác"],
    ["Hộ kinh doanh", "HKD", "Hộ SXKD", "Hộ sản xuất kinh doanh", "Hộ KD"],
    ["Cơ sở sản xuất", "CSSX", "Cơ sở"],
    ["Doanh nghiệp tư nhân", "DNTN"],
]
CASES = {
    "as written": str,
    "capitals": str.upper,
    "lower": str.lower,
    "decomposed": lambda s: unicodedata.normalize("NFD", s),
    "spaces": lambda s: "  ".join(s.split()),
}


@pytest.mark.parametrize("forms", LEGAL_FORMS, ids=[f[0] for f in LEGAL_FORMS])
@pytest.mark.parametrize("case", list(CASES))
def test_legal_form_spellings_and_case_give_one_key(forms, case):
    keys = {name_key(CASES[case](f"{form} Trà Bắc")) for form in forms}
    assert keys == {name_key(f"{forms[0]} Trà Bắc")}


def test_different_legal_forms_or_names_stay_apart():
    keys = [
        name_key(n)
        for n in ("Công ty cổ phần Trà Bắc", "Công ty TNHH Trà Bắc", "HTX Trà Bắc", "Cty CP Trà Bắc Hà")
    ]
    assert len(set(keys)) == 4


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("HỢP TÁC XÃ CHÈ SHAN TUYẾT", "Hợp tác xã Chè Shan Tuyết"),
        ("HTX CÀ PHÊ BÍCH THAO", "HTX Cà phê Bích Thao"),
        ("CÔNG TY TNHH MTV NÔNG SẢN", "Công ty TNHH MTV Nông sản"),
        ("HTX Cà phê Bích Thao", "HTX Cà phê Bích Thao"),
    ],
)
def test_all_caps_names_are_shown_in_ordinary_case(name, shown):
    assert name_key(display_name(name)) == name_key(name)
    assert display_name(name).lower() == shown.lower()
    assert display_name(name).split()[0] == shown.split()[0]


# --- Issuers ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH SƠN LA", "UBND tỉnh Sơn La"),
        ("Uỷ ban nhân dân tỉnh Sơn La", "UBND TỈNH SƠN LA"),
        ("UBND tỉnh Yên Bái", "UBND tỉnh Lào Cai"),  # merged on 1/7/2025
        ("UBND tỉnh Hà Giang", "UBND tỉnh Tuyên Quang"),
        ("UBND tỉnh Hòa Bình", "UBND tỉnh Phú Thọ"),
        ("UBND TP. Hồ Chí Minh", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
        ("UBND tỉnh Bình Dương", "UBND TP Hồ Chí Minh"),
        ("UBND tỉnh Thừa Thiên Huế", "UBND thành phố Huế"),
        ("UBND huyện Sông Mã", "ỦY BAN NHÂN DÂN HUYỆN SÔNG MÃ"),
    ],
)
def test_issuer_spellings_and_merged_provinces_are_one_issuer(a, b):
    assert issuer_key(a) == issuer_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("UBND tỉnh Sơn La", "UBND tỉnh Lào Cai"),
        ("UBND huyện Sông Mã", "UBND tỉnh Sơn La"),
        ("UBND tỉnh Hà Giang", "UBND tỉnh Lào Cai"),
    ],
)
def test_different_issuers_stay_apart(a, b):
    assert issuer_key(a) != issuer_key(b)


@pytest.mark.parametrize(
    "lines",
    [
        ["ỦY BAN NHÂN DÂN TỈNH SƠN LA", "Phụ lục: Danh sách sản phẩm OCOP năm 2024"],
        ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Phụ lục", "Số: 12/QĐ-UBND"],
        ["ỦY BAN NHÂN DÂN\nTỈNH SƠN LA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
        ["UBND TỈNH SƠN LA", "Danh sách kèm theo Quyết định"],
        ["Phụ lục", "(Kèm theo Quyết định số 12/QĐ-UBND ngày 15/3/2024 của UBND tỉnh Sơn La)"],
    ],
)
def test_issuer_from_header_blocks_without_the_next_paragraph(lines):
    assert meta_from_title(lines).issuer == "UBND tỉnh Sơn La"


def test_old_province_issuer_on_the_command_line_agrees_with_the_new_name():
    title = meta_from_title(["ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Quyết định số 4261/QĐ-UBND ngày 20/12/2021"])
    _, problems = reconcile(title, issuer="UBND tỉnh Yên Bái")
    assert problems == []
    _, problems = reconcile(title, issuer="UBND tỉnh Sơn La")
    assert problems == ["issuer: the document says 'UBND tỉnh Lào Cai', the command line 'UBND tỉnh Sơn La'"]


def test_word_header_table_gives_the_issuer(files):
    import docx

    document = docx.Document()
    block = document.add_table(rows=1, cols=2)
    block.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA"
    block.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    document.add_paragraph("Phụ lục: Danh sách sản phẩm kèm theo Quyết định số 99/QĐ-UBND ngày 02/01/2024")
    header, rows = laocai()
    table = document.add_table(rows=len(rows) + 1, cols=len(header))
    for index, values in enumerate([header, *rows]):
        for column, text in enumerate(values):
            table.cell(index, column).text = text
    document.save(str(files / "annex.docx"))

    parsed = parse_document(read_document(files / "annex.docx"))
    meta = meta_from_title(parsed.title_lines)

    assert (meta.issuer, meta.number) == ("UBND tỉnh Sơn La", "99/QĐ-UBND")
    assert len(parsed.rows) == len(rows)


# --- The three files of issue 14, end to end -------------------------------------------------------------
@pytest.mark.django_db
def test_windows_excel_csv_cp1258_semicolons_title_line(files, import_decision):
    from tests.catalog_import.test_import_decision import days_ago, songma_rows, songma_title

    date = days_ago(40)
    _, rows = laocai()
    path = files / "songma.csv"
    rows = songma_rows()
    text = ";;;;\r\n".join(songma_title(date)) + ";;;;\r\n"
    text += "STT;Tên sản phẩm;Chủ thể;Địa chỉ;Hạng sao\r\n"
    text += "".join(";".join(r) + "\r\n" for r in rows)
    path.write_bytes(df.to_cp1258(text, decomposed=True))

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout
    assert (result.json["created"], result.json["decision"]["issuer"]) == (7, "UBND huyện Sông Mã")
    from marketplace.producers.models import Producer

    assert Producer.objects.filter(name="HTX Dịch vụ nông nghiệp Hoa Mười").count() == 1


@pytest.mark.django_db
def test_word_annex_issuer_paragraph_is_not_glued_to_the_next(files, import_decision):
    import docx

    from tests.catalog_import.test_import_decision import days_ago, songma_rows

    date = days_ago(30)
    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH SƠN LA")
    document.add_paragraph(
        f"Phụ lục: Danh sách sản phẩm OCOP kèm theo Quyết định số 812/QĐ-UBND ngày {date:%d/%m/%Y}"
    )
    rows = songma_rows()
    table = document.add_table(rows=len(rows) + 1, cols=5)
    for index, values in enumerate([df.HEADER, *rows]):
        for column, text in enumerate(values):
            table.cell(index, column).text = text
    document.save(str(files / "annex.docx"))

    result = import_decision(files / "annex.docx", "--json", "--issuer", "UBND tỉnh Sơn La")

    assert result.code == 0, result.stdout
    assert result.json["decision"]["issuer"] == "UBND tỉnh Sơn La"
    assert result.json["created"] == 7


@pytest.mark.django_db
def test_revocation_naming_cty_cp_matches_cong_ty_co_phan(files, import_decision):
    from marketplace.certification.models import Certification, CertificationState
    from tests.catalog_import.test_import_decision import days_ago
    from tests.factories import ProducerFactory, visible_product

    tra_bac = ProducerFactory(name="Công ty cổ phần Trà Bắc", province="son-la")
    others = [
        ProducerFactory(name=name, province="son-la")
        for name in ("HTX Trà Bắc Hà", "Công ty TNHH Trà Bắc", "Công ty cổ phần Trà Bắc Sơn")
    ]
    target = visible_product(producer=tra_bac, name="Chè Shan tuyết Tà Xùa", stars=4)
    bystanders = [visible_product(producer=p, name="Chè Shan tuyết Tà Xùa", stars=4) for p in others]
    date = days_ago(3)
    title = [
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
        f"Quyết định số 77/QĐ-UBND ngày {date:%d/%m/%Y} về việc thu hồi chứng nhận sản phẩm OCOP",
    ]
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Lý do"]
    rows = [["1", "CHÈ SHAN TUYẾT TÀ XÙA", "Cty CP Trà Bắc", "không duy trì chất lượng"]]
    path = df.write_docx(files / "thuhoi.docx", header, rows, title=title)

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout
    assert (result.json["revoked"], result.json["ambiguous"]) == (1, [])
    assert Certification.objects.get(product=target).state == CertificationState.REVOKED
    for product in bystanders:
        assert Certification.objects.get(product=product).state == CertificationState.ACTIVE


@pytest.mark.django_db
def test_csv_cell_over_the_limit_exits_2_and_applies_nothing(files, import_decision):
    import csv

    from tests.catalog_import.test_import_decision import snapshot

    path = files / "huge.csv"
    long = "x" * (csv.field_size_limit() + 1)
    path.write_text(f'STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,"{long}",HTX A,3\n', "utf-8")
    before = snapshot()

    result = import_decision(path, "--json")

    assert result.code == 2
    assert result.json["errors"][0]["message"].startswith("huge.csv, line 2: unreadable CSV (field larger")
    assert snapshot() == before


@pytest.mark.django_db
def test_admin_upload_of_an_oversized_cell_shows_the_message_and_keeps_no_file(staff_client, files, settings):
    import csv

    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog_import.models import ImportRun, RunStatus

    settings.MEDIA_ROOT = files / "media"
    long = "x" * (csv.field_size_limit() + 1)
    data = f'STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,"{long}",HTX A,3\n'.encode()

    page = staff_client.post(
        "/admin/catalog_import/importrun/upload/", {"file": SimpleUploadedFile("huge.csv", data)}
    )

    assert page.status_code == 200
    assert "huge.csv, line 2: unreadable CSV (field larger than field limit" in page.content.decode()
    assert "data-plan-confirm" not in page.content.decode()
    assert list((files / "media").rglob("*.*")) == []
    run = ImportRun.objects.get()
    assert (run.status, run.upload.name) == (RunStatus.FAILED, "")


@pytest.mark.django_db
def test_producer_of_another_legal_form_is_never_offered(files, import_decision):
    """'Cty CP Trà Bắc' is unknown; 'HTX Trà Bắc Hà', 'Công ty TNHH Trà Bắc Sơn' and 'Hộ kinh doanh Trà
    Bắc Hà' have similar names under other legal forms, other producers entirely: the revocation revokes
    nothing and offers none of them."""
    from marketplace.certification.models import Certification, CertificationState
    from tests.catalog_import.test_import_decision import days_ago
    from tests.factories import ProducerFactory, visible_product

    for name in ("HTX Trà Bắc Hà", "Công ty TNHH Trà Bắc Sơn", "Hộ kinh doanh Trà Bắc Hà"):
        visible_product(producer=ProducerFactory(name=name), name="Chè Shan tuyết Tà Xùa", stars=4)
    title = [f"Quyết định số 78/QĐ-UBND ngày {days_ago(3):%d/%m/%Y} của UBND tỉnh Sơn La, thu hồi"]
    rows = [["1", "Chè Shan tuyết Tà Xùa", "Cty CP Trà Bắc", "vi phạm"]]
    path = df.write_docx(
        files / "thuhoi.docx", ["STT", "Tên sản phẩm", "Chủ thể", "Lý do"], rows, title=title
    )

    result = import_decision(path, "--json")

    assert result.code == 0, result.stdout
    assert (result.json["revoked"], result.json["ambiguous"]) == (0, [])
    assert [u["producer"] for u in result.json["unmatched"]] == ["Cty CP Trà Bắc"]
    assert set(Certification.objects.values_list("state", flat=True)) == {CertificationState.ACTIVE}
