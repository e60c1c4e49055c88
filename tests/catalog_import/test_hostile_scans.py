"""Malformed and hostile pictures are refused with a clear message and nothing applied: a 30,000 × 30,000 PNG
(refused from its header, before a pixel is decoded), a PDF of 5,000 pages, a truncated image, a photo that
is not a decision, a ruled table that is not an OCOP annex, a page that takes too long to read."""

import struct
import zlib

import pytest

from catalog_import.readers.ocr import tesseract_missing
from tests.catalog_import import scans
from tests.catalog_import.test_import_decision import snapshot

pytestmark = pytest.mark.django_db
needs_tesseract = pytest.mark.skipif(bool(tesseract_missing()), reason=f"NOTICE: {tesseract_missing()}")


def png_header_only(path, width: int, height: int):
    """A PNG that claims width × height (an IHDR and a few bytes of picture): what a bomb looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def refused(import_decision, path, *args):
    before = snapshot()
    result = import_decision(path, "--json", *args)
    assert result.code == 2, result.stdout
    assert snapshot() == before
    return [e["message"] for e in result.json["errors"]]


def test_huge_png_is_refused_from_its_header(files, import_decision):
    import resource

    path = png_header_only(files / "bomb.png", 30_000, 30_000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    messages = refused(import_decision, path)

    assert messages[0] == (
        "bomb.png: the page is over 80 million pixels; a scanned page is between 200 × 200 and 40 million "
        "pixels (scan at 200–300 dpi)."
    )
    # 900 million pixels were never decoded (that alone would be 900 MB).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 200_000


def test_pdf_of_5000_pages_is_refused(files, import_decision):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(5000):
        document.new_page(595, 842)
    document.save(str(files / "many.pdf"))

    messages = refused(import_decision, files / "many.pdf")

    assert messages[0] == "many.pdf: 5000 pages, over the limit of 300; split the file."


def test_large_png_under_pillows_limit_is_refused_by_ours(files, import_decision):
    messages = refused(import_decision, png_header_only(files / "big.png", 9_000, 6_000))
    assert messages[0] == (
        "big.png: the page is 9000 × 6000 pixels; a scanned page is between 200 × 200 and 40 million "
        "pixels (scan at 200–300 dpi)."
    )


def test_truncated_image_is_refused(files, import_decision):
    from PIL import Image

    Image.new("RGB", (800, 600), "white").save(files / "page.jpg", quality=90)
    data = (files / "page.jpg").read_bytes()
    (files / "cut.jpg").write_bytes(data[: len(data) // 3])

    messages = refused(import_decision, files / "cut.jpg")

    assert messages[0].startswith("cut.jpg: the image is damaged or truncated")


@needs_tesseract
def test_photo_that_is_not_a_decision_is_refused(files, import_decision):
    """A photo of a market stall sign: words, no table, no OCOP header."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1000, 700), (120, 160, 90))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 100, 500, 500), fill=(200, 120, 40))
    draw.text((550, 300), "Chợ phiên Bắc Hà — mận tam hoa", font=scans._font(30), fill="white")
    image.save(files / "cho.jpg", quality=85)

    messages = refused(import_decision, files / "cho.jpg")

    assert messages[0].startswith("cho.jpg: no ruled table found; a decision annex is a table with lines")


@needs_tesseract
def test_ruled_table_that_is_not_an_ocop_annex_is_refused(files, import_decision):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", scans.PAGE, "white")
    draw = ImageDraw.Draw(image)
    font = scans._font(scans.FONT_SIZE)
    top = 200
    for cells in (
        ["TT", "Họ và tên", "Lớp", "Điểm"],
        ["1", "Nguyễn Văn An", "10A", "8,5"],
        ["2", "Lò Thị Bình", "10B", "9"],
    ):
        top = scans._table_row(draw, cells, top, font)
    image.save(files / "bang-diem.png")

    messages = refused(import_decision, files / "bang-diem.png")

    assert messages[0].startswith("bang-diem.png: no OCOP annex table found")


@needs_tesseract
def test_page_over_the_time_limit_is_refused(files, import_decision, settings):
    import dataclasses

    settings.IMPORT_OCR_PAGE_SECONDS = 0.05
    sample = next(a for a in scans.annexes() if a.name == "sonla-b")
    path = scans.write(dataclasses.replace(sample, rows=sample.rows[:3]), files, fmt="png", rows_per_page=3)

    messages = refused(import_decision, path)

    assert messages[0] == (
        "sonla-b.png: reading the page took over 0.05 s; scan at 200–300 dpi, one page per side."
    )
