"""From raw tables to decision rows: find the header by meaning, map columns, read star notations.

Header cells are compared folded (case, diacritics, spacing and line breaks ignored), so "HẠNG\nSAO",
"Hạng sao" and "hang  sao" are the same column. A header may span two rows (merged cells above sub-headers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalog_import.readers.base import RawDocument, RawRow, RawTable, column_letter
from marketplace.core.text import fold

# Order matters: the first field whose phrase occurs in a header wins ("Nhóm sản phẩm" is a group, not the
# product; "Địa điểm" an address, not the score).
FIELD_PHRASES: list[tuple[str, tuple[str, ...]]] = [
    ("stt", ("stt", "so thu tu", "tt", "so tt")),
    ("group", ("nhom san pham", "nhom", "phan nhom", "bo nhom")),
    ("cited", ("quyet dinh cong nhan", "so quyet dinh", "qd cong nhan", "quyet dinh", "so qd", "can cu")),
    (
        "stars",
        ("hang sao", "so sao", "xep hang", "ket qua", "phan hang", "hang", "sao", "cap hang", "muc sao"),
    ),
    ("address", ("dia chi", "dia ban", "dia diem", "huyen", "xa phuong", "noi san xuat")),
    ("score", ("tong diem", "diem danh gia", "diem so", "diem")),
    (
        "producer",
        (
            "chu the",
            "ten chu the",
            "chu the san xuat",
            "don vi",
            "co so san xuat",
            "doanh nghiep",
            "to chuc ca nhan",
            "ten co so",
            "co so",
            "ten don vi",
            "ten doanh nghiep",
            "ten htx",
            "nha san xuat",
            "chu so huu",
        ),
    ),
    ("product", ("ten san pham", "san pham", "ten sp", "sp ocop", "sp", "ten hang hoa", "san pham ocop")),
    ("note", ("ghi chu", "ly do", "noi dung")),
]
FIELD_LABELS = {
    "stt": "STT",
    "product": "Tên sản phẩm",
    "producer": "Chủ thể",
    "address": "Địa chỉ",
    "stars": "Hạng sao",
    "score": "Điểm",
    "group": "Nhóm sản phẩm",
    "note": "Ghi chú",
    "cited": "Quyết định",
}
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NUMBERING = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")
MAX_HEADER_SCAN = 60


def header_key(text: str) -> str:
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


def field_of(header: str) -> str | None:
    key = header_key(header)
    if key.strip() == "":
        return None
    for name, phrases in FIELD_PHRASES:
        for phrase in phrases:
            if f" {phrase} " in key:
                return name
    return None


def map_columns(cells: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = field_of(cell)
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    combined = []
    for top, bottom in zip(upper, lower, strict=True):
        if top and bottom and fold(top) != fold(bottom):
            # A sub-header under a merged cell: "Chủ thể" over "Tên" / "Địa chỉ".
            combined.append(
                bottom if field_of(bottom) in {"address", "score", "stars"} else f"{top} {bottom}"
            )
        else:
            combined.append(bottom or top)
    return combined


@dataclass
class Header:
    first_index: int  # index in table.rows of the first header row
    row_index: int  # index in table.rows of the last header row
    columns: dict[str, int]
    labels: list[str]


def find_header(table: RawTable) -> Header | None:
    rows = table.rows[:MAX_HEADER_SCAN]
    for index, row in enumerate(rows):
        if len({c for c in row.cells if c}) < 2:
            continue  # a title line (possibly merged across the table), not a header
        single = map_columns(row.cells)
        pair = _combine(row.cells, rows[index + 1].cells) if index + 1 < len(rows) else row.cells
        if "product" not in single and "product" not in map_columns(pair):
            continue
        best = Header(index, index, single, row.cells)
        if index + 1 < len(rows):
            labels = _combine(row.cells, rows[index + 1].cells)
            combined = map_columns(labels)
            next_fields = map_columns(rows[index + 1].cells)
            # The next row is a sub-header only if it names columns itself and carries no product name.
            sub_header = len(next_fields) >= 1 and not _looks_like_data(rows[index + 1].cells, single)
            if (
                sub_header
                and "product" in combined
                and ("product" not in single or len(combined) > len(single))
            ):
                best = Header(index, index + 1, combined, labels)
        if "product" in best.columns and len(best.columns) >= 2:
            return best
    return None


def _looks_like_data(cells: list[str], columns: dict[str, int]) -> bool:
    index = columns.get("stars")
    if index is None or index >= len(cells):
        return False
    try:
        parse_stars(cells[index])
    except StarError:
        return False
    return True


@dataclass
class SourceRow:
    """One data row of a decision, as written (values still text)."""

    file: str
    number: int
    location: str
    product: str
    producer: str = ""
    address: str = ""
    stars: str = ""
    score: str = ""
    group: str = ""
    note: str = ""
    cited: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> "column E 'Hạng sao'"
    formulas: dict[str, str] = field(default_factory=dict)  # column label -> formula text
    # Rows read by OCR: confidence (0–100) per field, the row's picture, and why it needs a person's eye.
    confidence: dict[str, float] | None = None
    image: bytes = b""
    doubts: list[tuple[str, str]] = field(default_factory=list)  # (field or '', why)

    @property
    def scanned(self) -> bool:
        return self.confidence is not None


@dataclass
class ParsedDocument:
    filename: str
    title_lines: list[str]
    rows: list[SourceRow]
    has_header: bool
    columns: set[str]


def _column_label(table: RawTable, header: Header, index: int) -> str:
    label = header.labels[index] if index < len(header.labels) else ""
    label = " ".join(label.split())
    position = column_letter(index) if table.column_letters else str(index + 1)
    return f"column {position} '{label}'" if label else f"column {position}"


def _is_repeated_header(cells: list[str], header: Header) -> bool:
    index = header.columns["product"]
    # Cheap test first: a data row's product name is rarely as short as a header cell.
    return (
        index < len(cells)
        and len(cells[index]) <= len(header.labels[index]) + 2
        and fold(cells[index]) == fold(header.labels[index])
    )


def parse_document(document: RawDocument) -> ParsedDocument:
    title_lines = list(document.title_lines)
    rows: list[SourceRow] = []
    columns: set[str] = set()
    previous: Header | None = None
    found = False
    for table in document.tables:
        header = find_header(table)
        start = 0
        if header is not None:
            for raw in table.rows[: header.first_index]:
                text = " ".join(dict.fromkeys(c for c in raw.cells if c))
                if text:
                    title_lines.append(text)
            start = header.row_index + 1
            previous = header
            found = True
        elif previous is not None and table.rows and len(table.rows[0].cells) == len(previous.labels):
            header = previous  # a continuation table without its own header (next page)
        else:
            if not found:
                # A table above the annex (Word's national header block: issuer | "CỘNG HÒA ..."): its cells
                # are title lines, each paragraph on its own so that neighbours do not run together.
                for raw in table.rows[:MAX_HEADER_SCAN]:
                    for cell in dict.fromkeys(c for c in raw.cells if c):
                        title_lines += [line.strip() for line in cell.splitlines() if line.strip()]
            continue
        columns |= set(header.columns)
        labels = {name: _column_label(table, header, i) for name, i in header.columns.items()}
        group = ""
        for raw in table.rows[start:]:
            parsed = _row(document.filename, table, header, raw, labels)
            if parsed is None:
                continue
            if isinstance(parsed, str):
                group = parsed
                continue
            if not parsed.group and group:
                parsed.group = group
            rows.append(parsed)
    return ParsedDocument(
        filename=document.filename, title_lines=title_lines, rows=rows, has_header=found, columns=columns
    )


def _row(
    filename: str, table: RawTable, header: Header, raw: RawRow, labels: dict[str, str]
) -> SourceRow | str | None:
    """A data row, a section heading (its text), or None for empty, numbering and repeated header rows."""
    cells = raw.cells
    if not any(cells):
        return None
    if _is_repeated_header(cells, header):
        return None
    values = {name: (cells[i] if i < len(cells) else "") for name, i in header.columns.items()}
    non_empty = [c for c in cells if c]
    if len(non_empty[0]) <= 4 and all(_NUMBERING.match(c) for c in non_empty) and not raw.formulas:
        return None  # "(1) (2) (3)" under the header
    distinct = set(non_empty)
    if len(distinct) == 1 and not raw.formulas and not values.get("stars"):
        return next(iter(distinct))  # "I. Nhóm thực phẩm" spanning the table
    row = SourceRow(
        file=filename,
        number=raw.number,
        location=raw.location,
        product=values.get("product", ""),
        producer=values.get("producer", ""),
        address=values.get("address", ""),
        stars=values.get("stars", ""),
        score=values.get("score", ""),
        group=values.get("group", ""),
        note=values.get("note", ""),
        cited=values.get("cited", ""),
        columns=labels,  # shared by the rows of a table: read only
    )
    for index, formula in raw.formulas.items():
        row.formulas[_column_label(table, header, index)] = formula
    if raw.confidence is not None:
        row.confidence = {name: raw.confidence.get(i, 0.0) for name, i in header.columns.items()}
        row.image = raw.image
    return row


# --- Star notations ------------------------------------------------------------------------------
_STAR_WORDS = {"ba": 3, "bon": 4, "tu": 4, "nam": 5, "hai": 2, "mot": 1, "sau": 6}
_FIRST_NUMBER = re.compile(r"\d+")


class StarError(ValueError):
    pass


def parse_stars(text: str) -> int:
    """'3 sao', '3', '03', '4*', '★★★★', '4 sao (tiềm năng 5 sao)' → the rating (first figure wins)."""
    value = (text or "").strip()
    if not value:
        raise StarError("no star rating")
    count = value.count("★")
    stars: int | None
    if count and not _FIRST_NUMBER.search(value):
        stars = count
    else:
        match = _FIRST_NUMBER.search(value)
        if match:
            stars = int(match.group())
        else:
            words = fold(value).split()
            stars = _STAR_WORDS.get(words[0]) if words else None
    if stars is None:
        raise StarError(f"cannot read a star rating from {text!r}")
    if not 3 <= stars <= 5:
        raise StarError(f"star rating {stars} is outside 3–5 ({text!r})")
    return stars


def parse_score(text: str) -> int | None:
    value = (text or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(f"cannot read a score from {text!r}") from exc
    if not 0 <= number <= 100:
        raise ValueError(f"score {text} is outside 0–100")
    return round(number)
