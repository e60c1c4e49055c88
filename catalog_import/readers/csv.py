"""CSV as exported by Excel or LibreOffice on any Windows or Mac: UTF-8 with or without BOM, UTF-16 with a BOM
("Unicode text"), Windows-1258 (Vietnamese ANSI, tones often as combining marks), and text that went through a
wrong code page once (mojibake such as "CÃ  phÃª"). Delimiter `,` `;` tab or `|`, chosen by counting."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from django.conf import settings

from catalog_import.readers.base import ImportFileError, RawDocument, RawRow, RawTable, clean_cell

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 60
# Letters that UTF-8 Vietnamese turns into when read as cp1252/latin-1 ("Ã ", "Ã¡", "á»", "Æ°"): their
# presence is what makes a repair worth trying.
_MOJIBAKE_MARKS = ("Ã", "Â", "Æ", "á»", "áº", "Ä'", "Ä\x91", "Ä\x90")


def decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:], "utf-8", name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data, "utf-16", name)  # the BOM tells the byte order
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # CP1258 writes most Vietnamese letters as base letter + combining tone mark; clean_cell makes NFC.
        # Every byte is defined in cp1258 except a handful; those mean the file is something else.
        text = _checked(data, "cp1258", name, "neither UTF-8, UTF-16 nor Windows-1258")
    return repair_mojibake(text)


def _checked(data: bytes, encoding: str, name: str, what: str = "") -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n" if encoding != "utf-16" else b"\n\x00") + 1
        raise ImportFileError(
            f"{name}, line {line}: the text is {what or 'not valid ' + encoding.upper()}.", row=line
        ) from exc


def repair_mojibake(text: str) -> str:
    """UTF-8 that was read as cp1252/latin-1 and saved again ("CÃ  phÃª" → "Cà phê"); other text unchanged."""
    if not any(mark in text for mark in _MOJIBAKE_MARKS):
        return text
    import ftfy

    return ftfy.fix_encoding(text)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (≥2) of cells. Title lines
    above the header (one cell each) do not vote; csv.Sniffer gives up on exactly those files."""
    lines = text.splitlines()[:SNIFF_LINES]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        try:
            widths = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1)
        except csv.Error:
            continue
        if not widths:
            continue
        width, rows = widths.most_common(1)[0]
        score = rows * 100 + width
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, name: str) -> RawDocument:
    text = decode(path.read_bytes(), name)
    if not text.strip():
        raise ImportFileError(f"{name}: the file is empty.")
    rows = []
    max_rows = settings.IMPORT_MAX_ROWS
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # A cell over csv.field_size_limit(), or a NUL byte: name the line, nothing is read.
            line = reader.line_num
            raise ImportFileError(f"{name}, line {line}: unreadable CSV ({exc}).", row=line) from exc
        number += 1
        if number > max_rows + 50:
            raise ImportFileError(f"{name}: more than {max_rows} rows; split the file.")
        cleaned = [clean_cell(c) for c in cells]
        # A CSV cell starting with "=" is a spreadsheet formula once opened in Excel: refuse it.
        formulas = {i: c for i, c in enumerate(cleaned) if c.startswith("=") and len(c) > 1}
        rows.append(RawRow(number=number, location=f"line {number}", cells=cleaned, formulas=formulas))
    return RawDocument(
        filename=name, title_lines=[], tables=[RawTable(name="csv", rows=rows, column_letters=True)]
    )
