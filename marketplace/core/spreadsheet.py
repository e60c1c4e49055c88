"""Every CSV or XLSX file we hand out goes through here: a text cell that a spreadsheet would run as a formula
(it starts with = + - @, a tab or a carriage return) is written with a leading apostrophe, so producers'
and shoppers' text (a product named "=HYPERLINK(...)", a phone "+84...") is shown, never evaluated."""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class TextSink(Protocol):
    """Where CSV lines go: a text file, a buffer, or a streaming response's echo."""

    def write(self, value: str, /) -> object: ...


def spreadsheet_safe(value: Any) -> Any:
    """The cell value to write: text starting with a formula trigger gets a leading "'"; numbers, dates and
    other text are unchanged (a negative number stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(value) for value in values]


class SafeCsvWriter:
    """csv.writer whose every cell passes through spreadsheet_safe (use it for every CSV export)."""

    def __init__(self, stream: TextSink, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(spreadsheet_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
