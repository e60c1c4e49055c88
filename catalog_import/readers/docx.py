"""DOCX annexes: every table of the document, merged cells (gridSpan, vMerge) filled in, and the body
paragraphs as title lines (decision number, date, issuer)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell
from catalog_import.readers.xlsx import check_zip


def _text(element, qn) -> str:
    paragraphs = []
    for paragraph in element.iter(qn("w:p")):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(qn("w:t"))))
    return "\n".join(paragraphs)


def read_docx(path: Path, name: str) -> RawDocument:
    check_zip(path, name)
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise ImportFileError(f"{name}: the file is damaged or not a Word document ({exc}).") from exc
    title_lines = [clean_cell(p.text) for p in document.paragraphs if p.text.strip()]
    tables = []
    max_rows = settings.IMPORT_MAX_ROWS
    total = 0
    for table_index, table in enumerate(document.tables, start=1):
        rows = []
        above: dict[int, str] = {}  # grid column -> text of the cell above (for vertical merges)
        for row_index, tr in enumerate(table._tbl.tr_lst, start=1):
            values: list[str] = []
            for tc in tr.tc_lst:
                tc_pr = tc.tcPr
                span = 1
                continued = False
                if tc_pr is not None:
                    grid_span = tc_pr.find(qn("w:gridSpan"))
                    if grid_span is not None:
                        span = int(grid_span.get(qn("w:val")) or 1)
                    v_merge = tc_pr.find(qn("w:vMerge"))
                    if v_merge is not None and v_merge.get(qn("w:val")) in (None, "continue"):
                        continued = True
                column = len(values)
                text = above.get(column, "") if continued else clean_cell(_text(tc, qn))
                for offset in range(span):
                    values.append(text)
                    above[column + offset] = text
            total += 1
            if total > max_rows + 50:
                raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
            location = (
                f"table {table_index} row {row_index}" if len(document.tables) > 1 else f"row {row_index}"
            )
            rows.append(RawRow(number=row_index, location=location, cells=values))
        tables.append(RawTable(name=f"table {table_index}", rows=rows))
    return RawDocument(filename=name, title_lines=title_lines, tables=tables)
