"""PDF annexes with a text layer: the table of each page (the header is usually repeated on every page and is
dropped later by the table parser); the text above the first table gives the title lines. A scanned PDF
(no page has text, only pictures) is read by OCR (readers/ocr.py). Beyond IMPORT_MAX_PAGES pages a PDF is
refused before any page is read.

Ruled tables whose cells are drawn as boxes are read through PDFium (cell boxes, then the text inside each
box): fast enough for annexes of thousands of rows. Other layouts go through pdfplumber's table finder.
"""

from __future__ import annotations

import bisect
import ctypes
from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell

_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text"}
TOLERANCE = 3.0  # points: box edges closer than this are the same grid line (stroke widths overlap)


def _cluster(values: list[float]) -> list[float]:
    lines: list[float] = []
    for value in sorted(values):
        if not lines or value - lines[-1] > TOLERANCE:
            lines.append(value)
    return lines


def _nearest(lines: list[float], value: float) -> int:
    """Index of the line closest to value (the lower one on a tie); lines are sorted."""
    index = bisect.bisect_left(lines, value)
    if index == 0:
        return 0
    if index == len(lines) or value - lines[index - 1] <= lines[index] - value:
        return index - 1
    return index


class _BoundedText:
    """Text inside a rectangle of one page. pypdfium2's get_text_bounded asks PDFium twice per call (length,
    then text), and each ask scans the whole page: one ask into a buffer sized for the page halves that."""

    def __init__(self, textpage) -> None:
        self.textpage = textpage
        self.size = 2 * textpage.count_chars() + 16
        self.buffer = (ctypes.c_ushort * self.size)()

    def __call__(self, left: float, bottom: float, right: float, top: float) -> str:
        import pypdfium2.raw as pdfium_c

        written = pdfium_c.FPDFText_GetBoundedText(
            self.textpage, left, top, right, bottom, self.buffer, self.size
        )
        if written >= self.size:  # cannot happen (a page has no more text than chars); ask the long way
            return self.textpage.get_text_bounded(left, bottom, right, top)
        if written > 0 and self.buffer[written - 1] == 0:
            written -= 1  # the count includes the terminating NUL when there is room for it
        return ctypes.string_at(self.buffer, 2 * max(written, 0)).decode("utf-16-le", errors="ignore")


def _cell_text(bounded: _BoundedText, box) -> str:
    left, bottom, right, top = box
    text = bounded(left + 1, bottom + 1, right - 1, top - 1)
    return clean_cell(" ".join(text.split()))


def _path_bounds(page, max_depth: int = 15):
    """(left, bottom, right, top) of the page's path objects, form objects descended: what
    page.get_objects(filter=PATH) gives, without a Python object per page object (tens of thousands)."""
    import pypdfium2.raw as pdfium_c

    corners = [ctypes.c_float() for _ in range(4)]

    def walk(count, get, parent, level):
        for index in range(count(parent)):
            obj = get(parent, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH and pdfium_c.FPDFPageObj_GetBounds(obj, *corners):
                yield tuple(c.value for c in corners)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
                yield from walk(
                    pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, level + 1
                )

    yield from walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.raw, 0)


def _box_rows(page, textpage) -> tuple[list[list[str]], float] | None:
    """Rows of a table drawn as cell boxes, merged cells filled in; None when the page has no such table."""
    boxes = []
    for left, bottom, right, top in _path_bounds(page):
        if right - left > 5 and top - bottom > 5:
            boxes.append((left, bottom, right, top))
    if len(boxes) < 4:
        return None
    columns = _cluster([b[0] for b in boxes] + [b[2] for b in boxes])
    if len(columns) < 3:
        return None
    width = len(columns) - 1
    by_top: dict[float, list] = {}
    tops = _cluster([b[3] for b in boxes])
    for box in boxes:
        by_top.setdefault(tops[_nearest(tops, box[3])], []).append(box)
    bounded = _BoundedText(textpage)
    rows: list[list[str]] = []
    tall: list[
        tuple[int, int, float, str]
    ] = []  # (first column, last column, bottom, text) of boxes spanning rows
    for top in sorted(by_top, reverse=True):
        values = [""] * width
        filled = [False] * width
        for box in sorted(by_top[top]):
            first, last = _nearest(columns, box[0]), _nearest(columns, box[2])
            text = _cell_text(bounded, box)
            for column in range(first, max(last, first + 1)):
                if column < width:
                    values[column], filled[column] = text, True
            tall.append((first, last, box[1], text))
        for first, last, bottom, text in tall:
            if bottom < top - TOLERANCE:  # a box from an earlier row reaching down past this row's top
                for column in range(first, max(last, first + 1)):
                    if column < width and not filled[column]:
                        values[column] = text
        tall = [t for t in tall if t[2] < top - TOLERANCE]
        rows.append(values)
    return rows, max(b[3] for b in boxes)


def _title(textpage, page, table_top: float) -> list[str]:
    width, height = page.get_size()
    text = textpage.get_text_bounded(0, table_top + 1, width, height)
    return [clean_cell(line) for line in text.splitlines() if line.strip()]


def read_pdf(path: Path, name: str, *, progress=None) -> RawDocument:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ImportFileError(
                f"{name}: the file is password-protected (encrypted); save it without a password."
            ) from exc
        raise ImportFileError(f"{name}: the file is damaged or truncated ({exc}).") from exc
    from catalog_import.readers.ocr import max_pages

    if len(document) > max_pages():
        pages = len(document)
        document.close()
        raise ImportFileError(f"{name}: {pages} pages, over the limit of {max_pages()}; split the file.")
    title_lines: list[str] = []
    rows: list[RawRow] = []
    any_text = False
    plumber_pages: list[int] = []
    max_rows = settings.IMPORT_MAX_ROWS
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            if textpage.count_chars() == 0:
                continue
            any_text = True
            found = _box_rows(page, textpage)
            if found is None:
                plumber_pages.append(index)
                continue
            table, top = found
            if not rows:
                title_lines += _title(textpage, page, top)
            for row_index, values in enumerate(table, start=1):
                rows.append(
                    RawRow(number=len(rows) + 1, location=f"page {index + 1} row {row_index}", cells=values)
                )
            if len(rows) > max_rows + 50:
                raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
        if not any_text:
            # Only pictures: a scanned annex, read by OCR.
            from catalog_import.readers.ocr import read_scanned_pdf

            return read_scanned_pdf(path, document, name, progress=progress)
    finally:
        document.close()
    if plumber_pages:
        title_lines, rows = _read_with_pdfplumber(path, name, title_lines, rows, set(plumber_pages))
    return RawDocument(filename=name, title_lines=title_lines, tables=[RawTable(name="pdf", rows=rows)])


def _read_with_pdfplumber(path: Path, name: str, title_lines, rows, pages: set[int]):
    """Pages whose table is not drawn as boxes (ruling lines only, or none): pdfplumber's table finder."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        raise ImportFileError(f"{name}: the file is damaged or truncated ({exc}).") from exc
    by_page: dict[int, list[RawRow]] = {}
    try:
        for index in sorted(pages):
            page = pdf.pages[index]
            tables = page.find_tables(_LINES) or page.find_tables(_TEXT)
            if index == min(pages) and not rows:
                top = min((t.bbox[1] for t in tables), default=page.height)
                above = page.crop((0, 0, page.width, max(top, 1))).extract_text() or ""
                title_lines += [clean_cell(line) for line in above.splitlines() if line.strip()]
            found = []
            for table in tables:
                for row_index, cells in enumerate(table.extract(), start=1):
                    values = [clean_cell(" ".join((c or "").split())) for c in cells]
                    found.append(RawRow(number=0, location=f"page {index + 1} row {row_index}", cells=values))
            by_page[index] = found
            page.flush_cache()
    finally:
        pdf.close()
    # Keep page order: rows read by PDFium carry their page in the location.
    merged: list[RawRow] = []
    pdfium_rows = iter(rows)
    pending = next(pdfium_rows, None)
    for index in sorted(set(by_page) | {_page_of(r) for r in rows}):
        if index in by_page:
            merged += by_page[index]
        while pending is not None and _page_of(pending) == index:
            merged.append(pending)
            pending = next(pdfium_rows, None)
    for number, row in enumerate(merged, start=1):
        row.number = number
    return title_lines, merged


def _page_of(row: RawRow) -> int:
    return int(row.location.split()[1]) - 1
