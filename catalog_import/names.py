"""Name keys for matching decision rows to producers and products.

The same producer appears as "Hợp tác xã Cà phê Bích Thao", "HTX Cà phê Bích Thao", "htx  cà phê bích
thao" or in decomposed Unicode; keys fold all of these to one string. Legal-form words are reduced to one
short form, and a "core" key drops them entirely for fuzzy comparison.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marketplace.core.text import fold
from marketplace.producers.models import ProducerKind

# Longest first; applied to folded text with word boundaries.
_FORMS: list[tuple[str, str]] = [
    ("hop tac xa", "htx"),
    ("to hop tac", "tht"),
    ("cong ty co phan", "cty cp"),
    ("cong ty", "cty"),
    ("c ty", "cty"),
    ("ctcp", "cty cp"),
    ("trach nhiem huu han", "tnhh"),
    ("mot thanh vien", "mtv"),
    ("1 thanh vien", "mtv"),
    ("co phan", "cp"),
    ("ho kinh doanh", "hkd"),
    ("ho san xuat kinh doanh", "hkd"),
    ("ho sxkd", "hkd"),
    ("ho sx kd", "hkd"),
    ("ho kd", "hkd"),
    ("doanh nghiep tu nhan", "dntn"),
    ("co so san xuat", "cssx"),
    ("co so", "cssx"),
    ("cong ty tnhh mot thanh vien", "cty tnhh mtv"),
    ("san xuat", "sx"),
    ("thuong mai", "tm"),
    ("dich vu", "dv"),
    ("nong nghiep", "nn"),
]
_SHORT = dict(_FORMS)
# One pass, longest phrase first at each position ("cong ty co phan" before "cong ty").
_FORM_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(long) for long in sorted(_SHORT, key=len, reverse=True)) + r")\b"
)
LEGAL_WORDS = {"htx", "tht", "cty", "cp", "tnhh", "mtv", "hkd", "dntn", "cssx", "ho", "co", "so"}
_NON_WORD = re.compile(r"[^a-z0-9]+")
_PARENS = re.compile(r"\(([^)]*)\)")


@lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """'Hợp tác xã (HTX) Bưởi Múc' and 'HTX Bưởi Múc' → 'htx buoi muc'."""
    text = fold(name)
    # "(HTX)" right after "hợp tác xã" repeats the abbreviation; other parentheses are kept as words.
    text = _PARENS.sub(
        lambda m: " " if fold(m.group(1)).strip() in {"htx", "tht", "hkd", "cty"} else f" {m.group(1)} ", text
    )
    text = _NON_WORD.sub(" ", text)
    text = _FORM_PATTERN.sub(lambda m: _SHORT[m.group(1)], text)
    return " ".join(text.split())


# Abbreviations kept in capitals when an ALL-CAPS name is written in ordinary case.
_UPPER_WORDS = {
    "htx",
    "tht",
    "tnhh",
    "mtv",
    "cp",
    "dntn",
    "hkd",
    "cssx",
    "sxkd",
    "tm",
    "dv",
    "xnk",
    "ocop",
    "nn",
}


def display_name(name: str) -> str:
    """A name typed in capitals ("HỢP TÁC XÃ CHÈ SHAN TUYẾT") as a page shows it ("Hợp Tác Xã Chè Shan
    Tuyết"), abbreviations kept ("HTX", "TNHH"); names in ordinary case are returned as written."""
    name = " ".join(name.split())
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 4 or any(c.islower() for c in letters):
        return name
    words = []
    for word in name.split():
        core = fold(word.strip(".,;:()"))
        words.append(word if core in _UPPER_WORDS else word[:1] + word[1:].lower())
    return " ".join(words)


def legal_words(key: str) -> set[str]:
    """The legal-form words of a name key ('htx', 'cty', 'tnhh', ...)."""
    return {w for w in key.split() if w in LEGAL_WORDS - {"ho", "co", "so"}}


_KINDS = {"htx", "tht", "cty", "hkd", "dntn", "cssx"}
_COMPANY_TYPES = {"cp", "tnhh"}


def forms_conflict(key: str, other: str) -> bool:
    """Two name keys whose legal forms say they are different legal persons: a cooperative is not a company,
    a joint-stock company (CP) is not a limited one (TNHH). A name without a form conflicts with none."""
    words, other_words = set(key.split()), set(other.split())
    kinds, other_kinds = words & _KINDS, other_words & _KINDS
    if kinds and other_kinds and not kinds & other_kinds:
        return True
    types, other_types = words & _COMPANY_TYPES, other_words & _COMPANY_TYPES
    return bool(types and other_types and not types & other_types)


def core_key(key: str) -> str:
    """A name key without its legal-form words, for fuzzy scoring: 'htx ca phe' → 'ca phe'."""
    words = [w for w in key.split() if w not in LEGAL_WORDS]
    return " ".join(words) or key


def product_key(name: str, producer_name: str = "") -> str:
    """Product key without the producer's name when a decision repeats it inside the product name:
    'Xoài sấy dẻo (HTX Toàn Thắng)' under 'HTX Toàn Thắng' → 'xoai say deo'."""
    key = name_key(name)
    if producer_name:
        producer = name_key(producer_name)
        for variant in (producer, core_key(producer)):
            if variant and len(variant) >= 4 and variant in key and variant != key:
                key = " ".join(key.replace(variant, " ").split())
                break
    return key


def kind_from_name(name: str) -> str:
    """HTX → cooperative, THT → cooperative group, company forms → company, HKD/hộ → household."""
    key = name_key(name)
    first = key.split()[:3]
    if "htx" in first:
        return ProducerKind.COOPERATIVE
    if "tht" in first:
        return ProducerKind.COOPERATIVE_GROUP
    if any(w in key.split() for w in ("cty", "tnhh", "cp", "dntn")):
        return ProducerKind.COMPANY
    if "hkd" in first or key.startswith(("ho ", "cssx")):
        return ProducerKind.HOUSEHOLD
    return ProducerKind.HOUSEHOLD
