"""Unusable input: reported with file, row and column, exit status 2, nothing applied. A failure half-way
through an apply leaves the database exactly as it was."""

import datetime

import pytest
from django.utils import timezone

from catalog_import import services
from tests.catalog_import import decision_files as df
from tests.catalog_import.test_import_decision import snapshot, songma_rows, songma_title

pytestmark = pytest.mark.django_db

DATE = timezone.localdate() - datetime.timedelta(days=100)
TITLE = songma_title(DATE)


def rows_with(index: int, column: int, value: str):
    rows = songma_rows()
    rows[index][column] = value
    return rows


def empty(folder):
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def no_product_column(folder):
    header = ["STT", "Chủ thể", "Địa chỉ", "Hạng sao"]
    rows = [[r[0], r[2], r[3], r[4]] for r in songma_rows()]
    return df.write_csv(folder / "noproduct.csv", header, rows, title=TITLE)


def truncated_xlsx(folder):
    path = df.write_xlsx(folder / "whole.xlsx", df.HEADER, songma_rows(), title=TITLE)
    cut = folder / "truncated.xlsx"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return cut


def encrypted_xlsx(folder):
    # Excel saves a password-protected workbook as an OLE compound file holding the encrypted package.
    path = folder / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    return path


def formula_xlsx(folder):
    formulas = {(2, 1): '=HYPERLINK("http://example.vn","Gạo nếp tan lương")'}
    return df.write_xlsx(folder / "formula.xlsx", df.HEADER, songma_rows(), title=TITLE, formulas=formulas)


def future_date(folder):
    title = songma_title(timezone.localdate() + datetime.timedelta(days=3))
    return df.write_csv(folder / "future.csv", df.HEADER, songma_rows(), title=title)


CASES = {
    "empty file": (empty, "empty.csv: the file is empty."),
    "no product column": (no_product_column, "noproduct.csv: no product column found"),
    "row without stars": (
        lambda f: df.write_csv(f / "nostars.csv", df.HEADER, rows_with(2, 4, ""), title=TITLE),
        "nostars.csv, line 9, column E 'Hạng sao': no star rating.",
    ),
    "two stars": (
        lambda f: df.write_csv(f / "two.csv", df.HEADER, rows_with(0, 4, "2 sao"), title=TITLE),
        "two.csv, line 7, column E 'Hạng sao': star rating 2 is outside 3–5 ('2 sao').",
    ),
    "six stars": (
        lambda f: df.write_docx(f / "six.docx", df.HEADER, rows_with(6, 4, "6"), title=TITLE),
        "six.docx, row 8, column 5 'Hạng sao': star rating 6 is outside 3–5 ('6').",
    ),
    "date in the future": (future_date, "future.csv: decision date"),
    "truncated xlsx": (truncated_xlsx, "truncated.xlsx: the file is damaged or truncated"),
    "password-protected xlsx": (encrypted_xlsx, "protected.xlsx: the file is password-protected"),
    "formula cell": (
        formula_xlsx,
        "formula.xlsx, row 9, column B 'Tên sản phẩm': formula '=HYPERLINK(\"http://example.vn\",\"Gạo nếp",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_unusable_input_exits_2_and_applies_nothing(case, files, import_decision):
    build, message = CASES[case]
    path = build(files)
    before = snapshot()

    result = import_decision(path, "--json")

    assert result.code == 2
    messages = [e["message"] for e in result.json["errors"]]
    assert any(m.startswith(message) for m in messages), messages
    assert snapshot() == before


def test_future_date_given_on_the_command_line(files, import_decision):
    path = df.write_csv(files / "nodate.csv", df.HEADER, songma_rows(), title=["UBND huyện Sông Mã"])
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    result = import_decision(path, "--json", "--number", "9/QĐ-UBND", "--date", future)

    assert result.code == 2
    assert "is in the future" in result.json["errors"][0]["message"]


def test_huge_file_is_refused(files, import_decision, settings):
    settings.IMPORT_MAX_FILE_BYTES = 2048
    rows = songma_rows() * 20
    path = df.write_csv(files / "huge.csv", df.HEADER, rows, title=TITLE)

    result = import_decision(path, "--json")

    assert result.code == 2
    assert result.json["errors"][0] == {
        "row": None,
        "message": "huge.csv: the file is 13.7 KB, over the 2.0 KB limit.",
    }


def test_zip_bomb_is_refused(files, import_decision, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    path = df.write_xlsx(files / "bomb.xlsx", df.HEADER, songma_rows(), title=TITLE)

    result = import_decision(path, "--json")

    assert result.code == 2
    assert "bomb.xlsx: the file unpacks to" in result.json["errors"][0]["message"]


def test_metadata_conflict_between_title_and_command_line(files, import_decision):
    path = df.write_csv(files / "songma.csv", df.HEADER, songma_rows(), title=TITLE)

    result = import_decision(path, "--json", "--number", "1/QĐ-UBND")

    assert result.code == 2
    assert result.json["errors"] == [
        {
            "row": None,
            "message": "songma.csv: decision number: the document says '2345/QĐ-UBND', "
            "the command line '1/QĐ-UBND'.",
        }
    ]


def test_every_row_error_is_listed_not_only_the_first(files, import_decision):
    rows = rows_with(1, 4, "")
    rows[4][1] = ""
    path = df.write_csv(files / "two_errors.csv", df.HEADER, rows, title=TITLE)

    result = import_decision(path, "--json")

    assert [e["row"] for e in result.json["errors"]] == [8, 11]


@pytest.mark.parametrize("where", ["certificates", "records"])
def test_failure_half_way_through_apply_leaves_the_database_as_before(
    where, files, import_decision, monkeypatch
):
    from tests.factories import ProducerFactory, ProductFactory

    # One producer already known, so the apply also links rows to existing producers.
    known = ProducerFactory(name="HTX Toàn Phát", province="son-la")
    ProductFactory(producer=known, name="Gạo nếp tan lương")
    path = df.write_xlsx(files / "songma.xlsx", df.HEADER, songma_rows(), title=TITLE)
    before = snapshot()

    class Injected(Exception):
        pass

    if where == "certificates":
        real = services.certifications_issue_bulk

        def issue_then_fail(**kwargs):
            real(**kwargs)  # producers, products and certificates are written...
            raise Injected  # ...then the process dies

        monkeypatch.setattr(services, "certifications_issue_bulk", issue_then_fail)
    else:

        def fail(*args, **kwargs):
            raise Injected

        monkeypatch.setattr(services, "copy_insert", fail)  # the import's own record, written last

    with pytest.raises(Injected):
        import_decision(path, "--json")

    assert snapshot() == before
