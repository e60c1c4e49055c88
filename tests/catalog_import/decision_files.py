"""Decision files for tests and the benchmark, in the four formats decisions are published in, from the
real rows in tests/catalog_import/reference/ (copied from shared/reference/ocop/decisions/, sources inside).

Writers take title lines (number, date, issuer as a decision prints them), a header and rows, plus switches
for the mess real annexes carry: merged header cells, decomposed Unicode, Windows-1258, several sheets.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def reference_rows(filename: str) -> tuple[list[str], list[list[str]]]:
    """The "STT | ... " table of a reference file: its header and rows (cells stripped)."""
    header: list[str] = []
    rows: list[list[str]] = []
    for line in (REFERENCE / filename).read_text(encoding="utf-8").splitlines():
        if line.startswith("STT |"):
            header = [c.strip() for c in line.split("|")]
            continue
        if header and line[:1].isdigit() and "|" in line:
            rows.append([c.strip() for c in line.split("|")])
        elif header and rows and not line.strip():
            break
    return header, rows


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def to_cp1258(text: str, *, decomposed: bool = False) -> bytes:
    """Windows-1258 keeps â ă ê ô ơ ư đ precomposed and writes tone marks as combining characters; the few
    toned letters it has precomposed (à á ...) are written whole unless `decomposed` (as Vietnamese
    keyboards on Windows type them)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if not decomposed or not any(p in _TONES for p in unicodedata.normalize("NFD", ch)):
            try:
                out += ch.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(p for p in parts if p not in _TONES)
        tones = "".join(p for p in parts if p in _TONES)
        out += unicodedata.normalize("NFC", base).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 (bytes 1252 leaves undefined read as Latin-1), as a wrong import does."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def write_csv(path: Path, header, rows, *, title=(), encoding="utf-8", transform=None) -> Path:
    lines = [[t] for t in title] + [list(header)] + [list(r) for r in rows]
    if transform:
        lines = [[transform(c) for c in line] for line in lines]
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    text = buffer.getvalue()
    if encoding == "cp1258":
        path.write_bytes(to_cp1258(text))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(
    path: Path, header, rows, *, title=(), merged_header=False, sheets=None, formulas=None
) -> Path:
    """merged_header: a two-row header with 'Chủ thể' merged over 'Tên' and 'Địa chỉ', the other cells merged
    vertically. sheets: extra {name: rows} written to further sheets with the same header. formulas:
    {(row_index, column_index): '=...'} placed in data rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    _fill_sheet(sheet, header, rows, title=title, merged_header=merged_header, formulas=formulas or {})
    for name, extra in (sheets or {}).items():
        _fill_sheet(
            workbook.create_sheet(name), header, extra, title=(), merged_header=merged_header, formulas={}
        )
    workbook.save(path)
    return path


def _fill_sheet(sheet, header, rows, *, title, merged_header, formulas) -> None:
    for line in title:
        sheet.append([line])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(header)
        )
    if merged_header:
        top = sheet.max_row + 1 if title else 1
        producer = header.index("Chủ thể")
        address = header.index("Địa chỉ")
        upper = [h if i not in (producer, address) else "" for i, h in enumerate(header)]
        upper[producer] = "Chủ thể"
        lower = [""] * len(header)
        lower[producer] = "Tên"
        lower[address] = "Địa chỉ"
        sheet.append(upper)
        sheet.append(lower)
        sheet.merge_cells(start_row=top, start_column=producer + 1, end_row=top, end_column=address + 1)
        for index in range(len(header)):
            if index not in (producer, address):
                sheet.merge_cells(
                    start_row=top, start_column=index + 1, end_row=top + 1, end_column=index + 1
                )
    else:
        sheet.append(list(header))
    first = sheet.max_row + 1
    for row in rows:
        sheet.append([_number_or_text(c) for c in row])
    for (row_index, column_index), formula in formulas.items():
        sheet.cell(row=first + row_index, column=column_index + 1, value=formula)


def _number_or_text(value):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 3 else value


def write_docx(path: Path, header, rows, *, title=()) -> Path:
    import docx

    document = docx.Document()
    for line in title:
        document.add_paragraph(line)
    from docx.table import _Cell

    # Rows made at once and filled through their XML cells: add_row() per row is slow for big annexes.
    table = document.add_table(rows=len(rows) + 1, cols=len(header))
    for tr, values in zip(table._tbl.tr_lst, [header, *rows], strict=True):
        for tc, text in zip(tr.tc_lst, values, strict=True):
            _Cell(tc, table).text = str(text)
    document.save(str(path))
    return path


FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)


def pdf_font() -> str | None:
    """A TrueType font with Vietnamese letters (the PDF core fonts have none)."""
    return next((f for f in FONT_CANDIDATES if Path(f).exists()), None)


def write_pdf(path: Path, header, rows, *, title=(), rows_per_page=30, widths=None, ruling="boxes") -> Path:
    """A text-layer PDF: title lines on page 1, then a ruled table, its header repeated on every page.
    ruling="boxes" draws each cell as a rectangle (as Word and LibreOffice exports do); "lines" draws only
    the grid lines."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_file = pdf_font()
    if font_file is None:
        raise RuntimeError("no TrueType font with Vietnamese letters found")
    if "OcopSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("OcopSans", font_file))
    page_width, page_height = landscape(A4)
    margin = 30
    widths = widths or _widths(len(header), page_width - 2 * margin)
    size = 8
    line_height = 11
    pdf = canvas.Canvas(str(path), pagesize=(page_width, page_height))

    def wrap(text: str, width: float) -> list[str]:
        words, lines, current = str(text).split(), [], ""
        for word in words:
            trial = f"{current} {word}".strip()
            if pdfmetrics.stringWidth(trial, "OcopSans", size) <= width - 6 or not current:
                current = trial
            else:
                lines.append(current)
                current = word
        return [*lines, current] if current else [""]

    def draw_row(cells, top: float) -> float:
        wrapped = [wrap(c, w) for c, w in zip(cells, widths, strict=True)]
        height = max(len(w) for w in wrapped) * line_height + 4
        x = margin
        if ruling == "lines":
            pdf.line(margin, top, margin + sum(widths), top)
            pdf.line(margin, top - height, margin + sum(widths), top - height)
        for lines, width in zip(wrapped, widths, strict=True):
            if ruling == "lines":
                pdf.line(x, top, x, top - height)
                pdf.line(x + width, top, x + width, top - height)
            else:
                pdf.rect(x, top - height, width, height, stroke=1, fill=0)
            for index, line in enumerate(lines):
                pdf.drawString(x + 3, top - 10 - index * line_height, line)
            x += width
        return top - height

    chunks = [rows[i : i + rows_per_page] for i in range(0, len(rows), rows_per_page)] or [[]]
    for page_index, chunk in enumerate(chunks):
        pdf.setFont("OcopSans", size + 2)
        top = page_height - margin
        if page_index == 0:
            for line in title:
                pdf.drawString(margin, top - 12, line)
                top -= 16
            top -= 10
        pdf.setFont("OcopSans", size)
        top = draw_row(header, top)
        for row in chunk:
            top = draw_row(row, top)
        pdf.showPage()
    pdf.save()
    return path


def _widths(count: int, total: float) -> list[float]:
    weights = {5: [0.06, 0.34, 0.3, 0.2, 0.1]}.get(count) or [1 / count] * count
    scale = total / sum(weights)
    return [w * scale for w in weights]


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only a picture (a scan): no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 580, 280), outline="black")
    image.save(path, "PDF")
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "docx": write_docx, "pdf": write_pdf}


def write(fmt: str, path: Path, header, rows, *, title=()) -> Path:
    return WRITERS[fmt](path, header, rows, title=title)
