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


def read_xlsx(path: Path, name: str) -> RawDocument:
    check_zip(path, name)
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
            rows = []
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
