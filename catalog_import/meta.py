"""Decision metadata (number, date, issuer, kind) from the document's title lines, reconciled with what the
command line or the upload form says. A disagreement between the two is an error, never a silent choice."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from marketplace.certification.models import DecisionKind
from marketplace.core.provinces import province_code_for
from marketplace.core.text import fold, nfc

_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,6}[a-zA-Z]?/(?:\d{4}/)?QĐ-[A-Za-zĐđ0-9&]+(?:-[A-Za-zĐđ0-9&]+)*)", re.IGNORECASE
)
_DATE_NUMERIC = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_DATE_WORDS = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_ISSUER = re.compile(
    r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|huyện|thành phố|thị xã|TP\.?)\s+(.+)", re.IGNORECASE
)
_PROVINCE = re.compile(r"(?:tỉnh|thành phố)\s+([^\s,.;:()]+(?:\s+[^\s,.;:()]+){0,3})", re.IGNORECASE)
_MINISTRY = re.compile(r"Bộ Nông nghiệp và (Phát triển [Nn]ông thôn|Môi trường)", re.IGNORECASE)
_STOP_WORDS = {
    "ngay",
    "so",
    "quyet",
    "ve",
    "cong",
    "doc",
    "ky",
    "chu",
    "phe",
    "thu",
    "v/v",
    "nam",
    "danh",
    "ket",
}
_LEVEL_WORDS = {"tỉnh", "huyện", "thành", "thị"}


@dataclass
class DecisionMeta:
    number: str = ""
    date: datetime.date | None = None
    issuer: str = ""
    kind: str = ""
    title: str = ""
    province: str = ""  # current province code named in the title ("... huyện Sông Mã, tỉnh Sơn La")
    cited_numbers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "kind": self.kind,
        }


def _parse_date(text: str) -> datetime.date | None:
    for pattern in (_DATE_WORDS, _DATE_NUMERIC):
        match = pattern.search(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                return None
    return None


def _issuer(text: str) -> str:
    ministry = _MINISTRY.search(text)
    if ministry:
        return f"Bộ Nông nghiệp và {ministry.group(1)[0].upper()}{ministry.group(1)[1:].lower()}"
    match = _ISSUER.search(text)
    if not match:
        return ""
    level = match.group(1).lower().rstrip(".")
    level = "thành phố" if level == "tp" else level
    words: list[str] = []
    for word in re.split(r"\s+", match.group(2)):
        clean = word.strip(",.;:()")
        folded = fold(clean)
        if not clean or folded in _STOP_WORDS or not clean[0].isupper() or len(words) >= 4:
            break
        if clean.lower() in _LEVEL_WORDS and (clean.isupper() or clean.islower()):
            break
        words.append(clean[0] + clean[1:].lower() if clean.isupper() else clean)
        if word.endswith((",", ".", ";")):
            break
    return f"UBND {level} {' '.join(words)}".strip() if words else ""


def _issuer_lines(lines: list[str]) -> list[str]:
    """Each title line on its own, except that a national header split over lines ("ỦY BAN NHÂN DÂN" /
    "TỈNH SƠN LA", as Word tables and PDFs print it) is put back together. Joining every line would glue the
    next paragraph's first word onto the issuer ("UBND tỉnh Sơn La Phụ")."""
    result = []
    for index, line in enumerate(lines):
        key = fold(line).strip(" .:")
        if key in {"uy ban nhan dan", "ubnd"} and index + 1 < len(lines):
            result.append(f"{line} {lines[index + 1]}")
        else:
            result.append(line)
    return result


def meta_from_title(lines: list[str]) -> DecisionMeta:
    lines = [nfc(part).strip() for line in lines for part in line.splitlines() if part.strip()]
    text = " \n ".join(lines)
    meta = DecisionMeta()
    numbers = list(_NUMBER.finditer(text))
    if numbers:
        meta.number = numbers[0].group(1)
        meta.date = _parse_date(text[numbers[0].end() : numbers[0].end() + 80])
        meta.cited_numbers = [m.group(1) for m in numbers[1:] if m.group(1) != meta.number]
    if meta.date is None:
        # "Sơn La, ngày 15 tháng 3 năm 2024" in the header block
        match = re.search(r"ngày\s+(.{6,30})", text, re.IGNORECASE)
        meta.date = _parse_date(match.group(1)) if match else None
    joined = " ".join(lines)
    meta.issuer = next((found for line in _issuer_lines(lines) if (found := _issuer(line))), "")
    for match in _PROVINCE.finditer(joined):
        words = match.group(1).split()
        for size in (3, 2, 1):
            code = province_code_for(" ".join(words[:size]).title())
            if code:
                meta.province = code
                break
        if meta.province:
            break
    folded = fold(joined)
    if "thu hoi" in folded:
        meta.kind = DecisionKind.REVOCATION
    for line in lines:
        if any(word in fold(line) for word in ("phe duyet", "cong nhan", "thu hoi", "ket qua danh gia")):
            meta.title = line[:500]
            break
    return meta


def issuer_key(issuer: str) -> str:
    """One key per issuing body however it is written: "ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "UBND tỉnh Yên Bái" and
    "UBND tỉnh Lào Cai" (which absorbed Yên Bái on 1/7/2025) give the same key; districts keep their name."""
    value = fold(issuer).replace(".", ". ")
    value = re.sub(r"^(uy ban nhan dan|ubnd)\s+", "", " ".join(value.split()))
    value = re.sub(r"^tp\.?\s+", "thanh pho ", value)
    match = re.match(r"^(tinh|thanh pho)\s+(.+)$", value)
    if match:
        code = province_code_for(match.group(2))
        if code:
            return f"province:{code}"
    return re.sub(r"[^a-z0-9]", "", value)


def _same_issuer(a: str, b: str) -> bool:
    return issuer_key(a) == issuer_key(b)


def reconcile(
    title: DecisionMeta,
    *,
    number: str = "",
    date: datetime.date | None = None,
    issuer: str = "",
    kind: str = "",
) -> tuple[DecisionMeta, list[str]]:
    """Merge title metadata with the given values; returns the result and the conflicts/missing parts."""
    problems = []
    result = DecisionMeta(title=title.title, cited_numbers=title.cited_numbers, province=title.province)
    if number and title.number and fold(number).replace(" ", "") != fold(title.number).replace(" ", ""):
        problems.append(f"decision number: the document says {title.number!r}, the command line {number!r}")
    result.number = (number or title.number).strip()
    if date and title.date and date != title.date:
        problems.append(
            f"decision date: the document says {title.date:%d/%m/%Y}, the command line {date:%d/%m/%Y}"
        )
    result.date = date or title.date
    if issuer and title.issuer and not _same_issuer(issuer, title.issuer):
        problems.append(f"issuer: the document says {title.issuer!r}, the command line {issuer!r}")
    result.issuer = (issuer or title.issuer).strip()
    if kind and title.kind and kind != title.kind:
        problems.append(f"kind: the document is a {title.kind} decision, the command line says {kind}")
    result.kind = kind or title.kind or DecisionKind.RECOGNITION
    if not result.number:
        problems.append("decision number missing: not in the document's title lines; pass --number")
    if result.date is None:
        problems.append("decision date missing: not in the document's title lines; pass --date")
    if not result.issuer:
        problems.append("issuer missing: not in the document's title lines; pass --issuer")
    return result, problems
