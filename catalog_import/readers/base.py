"""What every reader returns: the document's title lines and its raw tables, cell text only.

Readers know file formats; they know nothing about OCOP columns (columns.py) or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.core.text import nfc


class ImportFileError(Exception):
    """The file cannot be used at all (empty, damaged, encrypted, too big, no annex table...)."""

    def __init__(self, message: str, *, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass
class RawRow:
    number: int  # row number as a person finds it in the file (sheet row, CSV line, table row)
    location: str  # "row 12", "sheet 'Phụ lục' row 12", "page 3 table row 5"
    cells: list[str]
    # Cells that held something other than plain values (e.g. Excel formulas), by column index.
    formulas: dict[int, str] = field(default_factory=dict)
    # Read by OCR: each cell's confidence (0–100) by column index, and the PNG of the row as scanned.
    confidence: dict[int, float] | None = None
    image: bytes = b""


@dataclass
class RawTable:
    name: str  # sheet, "table 1", "page 2"
    rows: list[RawRow]
    # Spreadsheet tables name columns by letter; others by position.
    column_letters: bool = False


@dataclass
class RawDocument:
    filename: str
    title_lines: list[str]
    tables: list[RawTable]


def clean_cell(value: object) -> str:
    """Cell text as a person reads it: NFC, no surrounding spaces; whole floats as integers (4.0 → '4')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value)).replace("\u00a0", " ")
    return text.strip()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
