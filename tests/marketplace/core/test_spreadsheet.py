"""The formula guard of every CSV/XLSX export: each trigger character, the values it leaves alone, and what a
spreadsheet reading the file gets."""

import csv
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest

from marketplace.core.spreadsheet import SafeCsvWriter, spreadsheet_row, spreadsheet_safe

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","Bấm vào")',
        "+84 912 345 678",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_text_starting_with_a_formula_trigger_gets_an_apostrophe(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "Cà phê Sơn La",
        "",
        "1 + 1 = 2",
        " =1+1",
        "'=quoted already",
        185_000,
        -5,
        0.5,
        None,
        datetime.date(2026, 12, 4),
    ],
)
def test_other_values_are_unchanged(value):
    assert spreadsheet_safe(value) == value


def test_a_csv_written_through_the_writer_holds_no_formula():
    stream = io.StringIO()
    writer = SafeCsvWriter(stream)
    writer.writerow(["sản phẩm", "giá"])
    writer.writerows([["=1+1", 185_000], ["Trà Shan tuyết", -5], ["@A1", "+84"]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["sản phẩm", "giá"], ["'=1+1", "185000"], ["Trà Shan tuyết", "-5"], ["'@A1", "'+84"]]


def test_an_xlsx_cell_written_from_a_guarded_value_is_text_not_a_formula(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(spreadsheet_row(["=1+1", "-1", 42]))
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    cells = next(openpyxl.load_workbook(path).active.iter_rows())
    assert [(cell.value, cell.data_type) for cell in cells] == [("'=1+1", "s"), ("'-1", "s"), (42, "n")]


def test_every_export_writes_through_the_guard():
    """CSV and XLSX writers appear only in marketplace/core/spreadsheet.py; an export elsewhere must use
    SafeCsvWriter or spreadsheet_row."""
    writer = re.compile(r"csv\.(writer|DictWriter)\(|openpyxl\.Workbook\(|\bWorkbook\(\)|xlsxwriter")
    offenders = []
    for package in ("marketplace", "storefront", "catalog_import"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "spreadsheet.py" or "migrations" in path.parts:
                continue
            if writer.search(path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"write CSV/XLSX through marketplace.core.spreadsheet: {offenders}"
