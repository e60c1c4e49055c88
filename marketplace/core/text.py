"""Vietnamese text helpers shared by search, the import pipeline and slugs."""

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


class _NonspacingMarks(dict):
    """str.translate table dropping nonspacing marks (category Mn), filled in as characters are met: one
    C-level lookup per character instead of a Python-level category test (imports fold every name)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        if code < 0x3000:  # Latin, Vietnamese and the combining marks; rarer scripts are not kept
            self[code] = value
        return value


_DROP_MARKS = _NonspacingMarks()


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d too), collapse spaces: 'Cà phê Sơn La' → 'ca phe son la'."""
    stripped = unicodedata.normalize("NFD", text or "").translate(_DROP_MARKS)
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.lower().split())  # split() and a \s+ regex agree on spaces, faster


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def slugify_vi(text: str, max_length: int = 80) -> str:
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "item"
