"""XLSX annexes: several sheets, title rows above the table, merged header (and data) cells, formulas refused.

openpyxl's read-only mode streams rows (fast, little memory) but drops merged ranges, so those are read from
the sheet XML and filled in: every cell of a merged range carries the value of its top-left cell.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def check_zip(path: Path, name: str) -> None:
    """Refuse damaged archives and zip bombs before a parser inflates them."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(f"{name}: the file is damaged or truncated ({exc}).") from exc
    if bad is not None:
        raise ImportFileError(f"{name}: the file is damaged or truncated (bad member {bad}).")
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        from catalog_import.readers import human_size

        limit = human_size(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)
        raise ImportFileError(f"{name}: the file unpacks to {human_size(total)}, over the {limit} limit.")


def _merged_ranges(archive, worksheet_path: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col), 1-based rows and 0-based columns."""
    with archive.open(worksheet_path) as handle:
        data = handle.read()
    if b"mergeCell" not in data:
        return []
    return [(int(r1), _col_index(c1), int(r2), _col_index(c2)) for c1, r1, c2, r2 in _MERGE.findall(data)]


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_V, _F, _IS = f"{_NS}v", f"{_NS}f", f"{_NS}is"
_COLUMNS: dict[str, int] = {}
for _first in ["", *(chr(c) for c in range(65, 91))]:
    for _second in (chr(c) for c in range(65, 91)):
        _COLUMNS[_first + _second] = len(_COLUMNS)


def read_xlsx(path: Path, name: str) -> RawDocument:
    check_zip(path, name)
    try:
        return _read_fast(path, name)
    except ImportFileError:
        raise
    except Exception:  # an unusual package layout: openpyxl knows more of the format
        return _read_openpyxl(path, name)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    from lxml import etree

    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as handle:
        for _, item in etree.iterparse(handle, tag=f"{_NS}si"):
            # Rich text runs hold the text in several <t>; phonetic hints (<rPh>) are not part of it.
            strings.append(
                "".join(t.text or "" for t in item.iter(f"{_NS}t") if t.getparent().tag != f"{_NS}rPh")
            )
            item.clear()
    return strings


def _sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    from lxml import etree

    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    sheets = []
    for sheet in workbook.iter(f"{_NS}sheet"):
        if sheet.get("state", "visible") != "visible":
            continue
        sheets.append((sheet.get("name"), targets[sheet.get(_REL)]))
    return sheets


def _read_fast(path: Path, name: str) -> RawDocument:
    """Stream the sheet XML with lxml: about ten times faster than openpyxl's cell objects."""
    from lxml import etree

    tables = []
    max_rows = settings.IMPORT_MAX_ROWS
    total_rows = 0
    with zipfile.ZipFile(path) as archive:
        strings = _shared_strings(archive)
        sheets = _sheets(archive)
        for title, sheet_path in sheets:
            merges = _merged_ranges(archive, sheet_path)
            pending: dict[int, list[tuple[int, int, int, int]]] = {}
            for merge in merges:
                pending.setdefault(merge[0], []).append(merge)
            active: list[tuple[tuple[int, int, int, int], str]] = []
            rows: list[RawRow] = []
            with archive.open(sheet_path) as handle:
                for _, row in etree.iterparse(handle, tag=f"{_NS}row"):
                    number = int(row.get("r") or len(rows) + 1)
                    values: list[str] = []
                    formulas: dict[int, str] = {}
                    for cell in row:
                        letters = (cell.get("r") or "").rstrip("0123456789")
                        index = _COLUMNS.get(letters, len(values))
                        if len(values) <= index:
                            values.extend([""] * (index + 1 - len(values)))
                        kind = cell.get("t")
                        text = formula = None
                        for child in cell:
                            if child.tag == _V:
                                text = child.text
                            elif child.tag == _F:
                                formula = f"={child.text or ''}"
                            elif child.tag == _IS:
                                text = "".join(child.itertext())
                        if kind == "s" and text is not None:
                            text = strings[int(text)]
                        elif kind in (None, "n") and text is not None:
                            number_value = float(text)
                            text = int(number_value) if number_value.is_integer() else number_value
                        if formula is not None:
                            formulas[index] = formula
                            text = text if text is not None else formula
                        values[index] = clean_cell(text)
                    row.clear()
                    while row.getprevious() is not None:  # keep memory flat on long sheets
                        del row.getparent()[0]
                    for merge in pending.pop(number, ()):
                        anchor = values[merge[1]] if merge[1] < len(values) else ""
                        active.append((merge, anchor))
                    if active:
                        active = [(m, v) for m, v in active if m[2] >= number]
                        for (_r1, c1, _r2, c2), anchor in active:
                            if len(values) <= c2:
                                values.extend([""] * (c2 + 1 - len(values)))
                            for col in range(c1, c2 + 1):
                                if not values[col]:
                                    values[col] = anchor
                    while values and not values[-1]:
                        values.pop()
                    total_rows += 1
                    if total_rows > max_rows + 50:
                        raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
                    location = f"sheet '{title}' row {number}" if len(sheets) > 1 else f"row {number}"
                    rows.append(RawRow(number=number, location=location, cells=values, formulas=formulas))
            tables.append(RawTable(name=title, rows=rows, column_letters=True))
    return RawDocument(filename=name, title_lines=[], tables=tables)


def _read_openpyxl(path: Path, name: str) -> RawDocument:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on broken packages
        raise ImportFileError(f"{name}: the file is damaged or not a spreadsheet ({exc}).") from exc
    tables = []
    max_rows = settings.IMPORT_MAX_ROWS
    total_rows = 0
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            merges = _merged_ranges(workbook._archive, sheet._worksheet_path)
            # Ranges that start on a row: fill cells once that row has been read.
            pending: dict[int, list[tuple[int, int, int, int]]] = {}
            for merge in merges:
                pending.setdefault(merge[0], []).append(merge)
            active: list[tuple[tuple[int, int, int, int], str]] = []
            rows: list[RawRow] = []
            for cells in sheet.iter_rows():
                if not cells:
                    continue
                number = getattr(cells[0], "row", None) or (len(rows) + 1)
                values = []
                formulas = {}
                for index, cell in enumerate(cells):
                    value = cell.value
                    if getattr(cell, "data_type", None) == "f" or (
                        isinstance(value, str) and value.startswith("=") and len(value) > 1
                    ):
                        formulas[index] = str(value)
                    values.append(clean_cell(value))
                for merge in pending.pop(number, ()):
                    anchor = values[merge[1]] if merge[1] < len(values) else ""
                    active.append((merge, anchor))
                if active:
                    active = [(m, v) for m, v in active if m[2] >= number]
                    for (_r1, c1, _r2, c2), anchor in active:
                        if len(values) <= c2:
                            values.extend([""] * (c2 + 1 - len(values)))
                        for col in range(c1, c2 + 1):
                            if not values[col]:
                                values[col] = anchor
                while values and not values[-1]:
                    values.pop()
                total_rows += 1
                if total_rows > max_rows + 50:
                    raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
                location = (
                    f"sheet '{sheet.title}' row {number}" if len(workbook.worksheets) > 1 else f"row {number}"
                )
                rows.append(RawRow(number=number, location=location, cells=values, formulas=formulas))
            tables.append(RawTable(name=sheet.title, rows=rows, column_letters=True))
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"{name}: the file is damaged or truncated ({exc}).") from exc
    finally:
        workbook.close()
    return RawDocument(filename=name, title_lines=[], tables=tables)
