"""CSV as exported by Excel or LibreOffice: UTF-8 with or without BOM, or Windows-1258 (Vietnamese ANSI)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell


def decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # CP1258 writes most Vietnamese letters as base letter + combining tone mark; clean_cell makes NFC.
        return data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{name}: the text is neither UTF-8 nor Windows-1258.") from exc


def read_csv(path: Path, name: str) -> RawDocument:
    text = decode(path.read_bytes(), name)
    if not text.strip():
        raise ImportFileError(f"{name}: the file is empty.")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = []
    max_rows = settings.IMPORT_MAX_ROWS
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        if number > max_rows + 50:
            raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
        cleaned = [clean_cell(c) for c in cells]
        # A CSV cell starting with "=" is a spreadsheet formula once opened in Excel: refuse it.
        formulas = {i: c for i, c in enumerate(cleaned) if c.startswith("=") and len(c) > 1}
        rows.append(RawRow(number=number, location=f"line {number}", cells=cleaned, formulas=formulas))
    return RawDocument(
        filename=name, title_lines=[], tables=[RawTable(name="csv", rows=rows, column_letters=True)]
    )
