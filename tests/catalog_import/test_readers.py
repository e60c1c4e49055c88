"""Readers and column recognition, on decision files generated from the real rows in reference/."""

import datetime
import unicodedata

import pytest

from catalog_import.columns import StarError, field_of, parse_document, parse_stars
from catalog_import.meta import meta_from_title, reconcile
from catalog_import.names import core_key, kind_from_name, name_key, product_key
from catalog_import.readers import ImportFileError, read_document
from tests.catalog_import import decision_files as df

LAOCAI_TITLE = [
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
    "Quyết định số 4261/QĐ-UBND ngày 20/12/2021",
    "Về việc phê duyệt kết quả đánh giá, phân hạng sản phẩm OCOP tỉnh Lào Cai đợt 2 năm 2021",
]


def parse(path):
    return parse_document(read_document(path))


def laocai():
    return df.reference_rows("laocai_4261.txt")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx", "pdf"])
def test_every_format_reads_the_real_rows_and_title(fmt, files, request):
    if fmt == "pdf":
        request.getfixturevalue("need_pdf_font")
    header, rows = laocai()
    parsed = parse(df.write(fmt, files / f"4261.{fmt}", header, rows, title=LAOCAI_TITLE))
    assert [(r.product, r.producer, r.stars) for r in parsed.rows] == [(r[1], r[2], r[3]) for r in rows]
    meta = meta_from_title(parsed.title_lines)
    assert (meta.number, meta.date, meta.issuer) == (
        "4261/QĐ-UBND",
        datetime.date(2021, 12, 20),
        "UBND tỉnh Lào Cai",
    )
    assert meta.kind == ""  # a recognition: the title says nothing of revoking


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_csv_encodings_read_as_composed_unicode(encoding, files):
    header, rows = laocai()
    parsed = parse(df.write_csv(files / "4261.csv", header, rows, title=LAOCAI_TITLE, encoding=encoding))
    assert [r.product for r in parsed.rows] == [r[1] for r in rows]
    assert all(unicodedata.is_normalized("NFC", r.producer) for r in parsed.rows)
    assert parsed.rows[0].location == "line 5"


def test_xlsx_merged_two_row_header_title_rows_and_several_sheets(files):
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
    _, rows = df.reference_rows("sonla_mocchau_2023.txt")
    first, second = rows[:3], rows[3:]
    path = df.write_xlsx(
        files / "mocchau.xlsx",
        header,
        first,
        title=["UBND huyện Mộc Châu"],
        merged_header=True,
        sheets={"Đợt 2": second},
    )
    parsed = parse(path)
    assert [(r.product, r.producer, r.address, r.stars) for r in parsed.rows] == [tuple(r[1:5]) for r in rows]
    assert parsed.rows[0].columns["producer"] == "column C 'Chủ thể Tên'"
    assert parsed.rows[3].location == "sheet 'Đợt 2' row 3"


def test_pdf_header_repeated_on_every_page_is_read_once(files, need_pdf_font):
    header, rows = laocai()
    parsed = parse(df.write_pdf(files / "4261.pdf", header, rows, title=LAOCAI_TITLE, rows_per_page=6))
    assert len(parsed.rows) == 22
    assert [r.product for r in parsed.rows] == [r[1] for r in rows]
    assert parsed.rows[6].location == "page 2 row 2"


def test_pdf_boxes_and_cell_text_read_through_pdfium_directly_match_its_helpers(files, need_pdf_font):
    """The box reader calls PDFium itself (one object walk, one text ask per cell): same answers as
    pypdfium2's helpers, which are slower."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from catalog_import.readers.pdf import _BoundedText, _nearest, _path_bounds

    header, rows = laocai()
    document = pdfium.PdfDocument(str(df.write_pdf(files / "boxes.pdf", header, rows, title=LAOCAI_TITLE)))
    try:
        page = document[0]
        textpage = page.get_textpage()
        paths = [o.get_bounds() for o in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,))]
        assert list(_path_bounds(page)) == paths and len(paths) > 20
        bounded = _BoundedText(textpage)
        for left, bottom, right, top in paths:
            assert bounded(left, bottom, right, top) == textpage.get_text_bounded(left, bottom, right, top)
        assert bounded(0, 0, 1, 1) == ""
    finally:
        document.close()
    lines = [10.0, 20.0, 30.0]
    assert [_nearest(lines, v) for v in (-5, 10, 14.9, 15, 15.1, 29, 99)] == [0, 0, 0, 0, 1, 2, 2]


def test_pdf_ruled_with_lines_only_is_read_by_pdfplumber(files, need_pdf_font):
    header, rows = laocai()
    path = df.write_pdf(
        files / "lines.pdf", header, rows, title=LAOCAI_TITLE, rows_per_page=10, ruling="lines"
    )
    parsed = parse(path)
    assert [(r.product, r.producer, r.stars) for r in parsed.rows] == [(r[1], r[2], r[3]) for r in rows]
    assert meta_from_title(parsed.title_lines).number == "4261/QĐ-UBND"
    assert parsed.rows[10].location == "page 2 row 2"


def test_scanned_pdf_without_a_ruled_table_is_refused(files):
    """A scan is read by OCR (test_ocr.py); a picture of a frame with nothing in it is no annex."""
    from catalog_import.readers.ocr import tesseract_missing

    if tesseract_missing():
        pytest.skip(f"NOTICE: {tesseract_missing()}")
    with pytest.raises(
        ImportFileError, match=r"^scan.pdf: no ruled table found; a decision annex is a table"
    ):
        read_document(df.write_scanned_pdf(files / "scan.pdf"))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("STT", "stt"),
        ("TÊN SẢN PHẨM", "product"),
        ("Tên\nsản  phẩm", "product"),
        ("Chủ thể", "producer"),
        ("Tên chủ thể", "producer"),
        ("Chủ thể sản xuất", "producer"),
        ("Địa chỉ", "address"),
        ("Hạng sao", "stars"),
        ("Số sao", "stars"),
        ("Xếp hạng", "stars"),
        ("Kết quả", "stars"),
        ("Điểm", "score"),
        ("Nhóm sản phẩm", "group"),
        ("Ghi chú", "note"),
        (unicodedata.normalize("NFD", "Hạng sao"), "stars"),
        ("Loại", None),
    ],
)
def test_columns_are_recognised_by_meaning(header, field):
    assert field_of(header) == field


@pytest.mark.parametrize(
    ("text", "stars"),
    [("3 sao", 3), ("3", 3), ("03", 3), ("4*", 4), ("★★★★", 4), ("4 sao (tiềm năng 5 sao)", 4), ("5.0", 5)],
)
def test_star_notations(text, stars):
    assert parse_stars(text) == stars


@pytest.mark.parametrize("text", ["", "2", "6 sao", "★★", "tốt"])
def test_invalid_stars(text):
    with pytest.raises(StarError):
        parse_stars(text)


def test_name_keys_fold_case_diacritics_spacing_and_abbreviations():
    same = [
        "Hợp tác xã (HTX) Bưởi Múc Thái Niên",
        "HTX  Bưởi Múc Thái Niên",
        unicodedata.normalize("NFD", "hợp tác xã bưởi múc thái niên"),
    ]
    assert len({name_key(n) for n in same}) == 1
    assert name_key("Công ty TNHH Trà và Đặc sản Tây Bắc") == name_key(
        "Cty Trách nhiệm hữu hạn Trà và Đặc sản Tây Bắc"
    )
    assert name_key("Hộ kinh doanh Lê Đức Anh") == name_key("HKD Lê Đức Anh")
    assert core_key(name_key("Tổ hợp tác Lê Nậm Pung")) == "le nam pung"
    assert product_key("Xoài sấy dẻo (HTX Toàn Thắng)", "HTX Toàn Thắng") == product_key("xoài sấy dẻo")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("HTX Quang Tom", "cooperative"),
        ("Hợp tác xã Hưng Lộc", "cooperative"),
        ("Tổ hợp tác sản xuất Cốm thôn Na Lo", "cooperative_group"),
        ("THT Lê Nậm Pung", "cooperative_group"),
        ("Công ty Cổ phần Phong Hải Lào Cai", "company"),
        ("Cty TNHH Nông lâm nghiệp Sông Mã", "company"),
        ("hộ kinh doanh Amifarm Mộc Châu", "household"),
        ("HKD Lê Đức Anh", "household"),
    ],
)
def test_producer_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


def test_title_metadata_of_district_and_revocation_decisions():
    district = meta_from_title(
        [
            "ỦY BAN NHÂN DÂN HUYỆN SÔNG MÃ",
            "TỈNH SƠN LA",
            "Số: 2345/QĐ-UBND",
            "Sông Mã, ngày 18 tháng 12 năm 2023",
        ]
    )
    assert (district.number, district.date, district.issuer, district.province) == (
        "2345/QĐ-UBND",
        datetime.date(2023, 12, 18),
        "UBND huyện Sông Mã",
        "son-la",
    )
    revocation = meta_from_title(
        [
            "Quyết định số 3763/QĐ-UBND ngày 18/11/2021 của UBND tỉnh Hà Tĩnh về việc thu hồi "
            "chứng nhận sản phẩm OCOP cấp tại Quyết định số 156/QĐ-UBND ngày 17/01/2021"
        ]
    )
    assert (revocation.kind, revocation.cited_numbers) == ("revocation", ["156/QĐ-UBND"])


def test_title_and_command_line_disagreeing_is_an_error():
    title = meta_from_title(LAOCAI_TITLE)
    _, problems = reconcile(title, number="4262/QĐ-UBND", date=datetime.date(2021, 12, 21))
    assert problems == [
        "decision number: the document says '4261/QĐ-UBND', the command line '4262/QĐ-UBND'",
        "decision date: the document says 20/12/2021, the command line 21/12/2021",
    ]
    merged, problems = reconcile(title, issuer="Ủy ban nhân dân tỉnh Lào Cai")
    assert problems == []
    assert merged.issuer == "Ủy ban nhân dân tỉnh Lào Cai"


def test_fast_xlsx_reader_agrees_with_openpyxl(files):
    from catalog_import.readers.xlsx import _read_fast, _read_openpyxl

    header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
    _, rows = df.reference_rows("sonla_mocchau_2023.txt")
    path = df.write_xlsx(
        files / "m.xlsx",
        header,
        rows,
        title=["UBND huyện Mộc Châu"],
        merged_header=True,
        sheets={"B": rows},
        formulas={(1, 1): '=HYPERLINK("http://example.vn","x")'},
    )
    fast, slow = _read_fast(path, "m.xlsx"), _read_openpyxl(path, "m.xlsx")
    assert [[(r.number, r.location, r.cells, r.formulas) for r in t.rows] for t in fast.tables] == [
        [(r.number, r.location, r.cells, r.formulas) for r in t.rows] for t in slow.tables
    ]
