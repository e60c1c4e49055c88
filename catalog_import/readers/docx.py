"""DOCX annexes: every table of the document, merged cells (gridSpan, vMerge) filled in, and the body
paragraphs as title lines (decision number, date, issuer)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell
from catalog_import.readers.xlsx import check_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Clark names, spelled out once: python-docx's qn() and child properties cost more than the lxml calls
# themselves on an annex of 100,000 cells.
W_P, W_T, W_TR, W_TC, W_TCPR = f"{_W}p", f"{_W}t", f"{_W}tr", f"{_W}tc", f"{_W}tcPr"
W_GRID_SPAN, W_V_MERGE, W_VAL = f"{_W}gridSpan", f"{_W}vMerge", f"{_W}val"
W_BR, W_CR, W_TAB = f"{_W}br", f"{_W}cr", f"{_W}tab"
# A line break (Shift+Enter) inside a paragraph separates lines as much as a new paragraph does: "ỦY BAN
# NHÂN DÂN⏎TỈNH SƠN LA" must not read "DÂNTỈNH".
_BREAKS = {W_BR: "\n", W_CR: "\n", W_TAB: " "}


def _text(element) -> str:
    paragraphs = []
    for paragraph in element.iter(W_P):
        paragraphs.append(
            "".join(
                node.text or "" if node.tag == W_T else _BREAKS[node.tag]
                for node in paragraph.iter(W_T, W_BR, W_CR, W_TAB)
            )
        )
    return "\n".join(paragraphs)


def read_docx(path: Path, name: str) -> RawDocument:
    check_zip(path, name)
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise ImportFileError(f"{name}: the file is damaged or not a Word document ({exc}).") from exc
    title_lines = [
        clean_cell(line) for p in document.paragraphs for line in _text(p._p).splitlines() if line.strip()
    ]
    tables = []
    max_rows = settings.IMPORT_MAX_ROWS
    total = 0
    document_tables = document.tables
    for table_index, table in enumerate(document_tables, start=1):
        rows = []
        above: dict[int, str] = {}  # grid column -> text of the cell above (for vertical merges)
        for row_index, tr in enumerate(table._tbl.iterchildren(W_TR), start=1):
            values: list[str] = []
            for tc in tr.iterchildren(W_TC):
                tc_pr = tc.find(W_TCPR)
                span = 1
                continued = False
                if tc_pr is not None:
                    grid_span = tc_pr.find(W_GRID_SPAN)
                    if grid_span is not None:
                        span = int(grid_span.get(W_VAL) or 1)
                    v_merge = tc_pr.find(W_V_MERGE)
                    if v_merge is not None and v_merge.get(W_VAL) in (None, "continue"):
                        continued = True
                column = len(values)
                text = above.get(column, "") if continued else clean_cell(_text(tc))
                for offset in range(span):
                    values.append(text)
                    above[column + offset] = text
            total += 1
            if total > max_rows + 50:
                raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
            location = (
                f"table {table_index} row {row_index}" if len(document_tables) > 1 else f"row {row_index}"
            )
            rows.append(RawRow(number=row_index, location=location, cells=values))
        tables.append(RawTable(name=f"table {table_index}", rows=rows))
    return RawDocument(filename=name, title_lines=title_lines, tables=tables)
