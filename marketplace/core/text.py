"""Vietnamese text helpers shared by search, the import pipeline and slugs."""

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


class _FoldTable(dict):
    """str.translate table from a character to its base letter: Vietnamese (and other Latin) marks and
    combining marks dropped, đ → d. Filled in as characters are met, so folding is one C-level lookup per
    character (the import folds every name of a 20,000-row decision)."""

    def __missing__(self, code: int) -> str | int | None:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
        base = base.replace("đ", "d").replace("Đ", "D")
        value: str | int | None = code if base == char else (base or None)
        if code < 0x3000:  # Latin, Vietnamese and the combining marks; rarer scripts are not kept
            self[code] = value
        return value


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d too), collapse spaces: 'Cà phê Sơn La' → 'ca phe son la'.

    The one folding in Python: search, slugs, provinces and the import's name keys use it; the database's
    `search_fold` (search migration 0001) agrees on Vietnamese (tests/marketplace/core/test_text.py)."""
    folded = unicodedata.normalize("NFC", text or "").lower().translate(_FOLD)
    return " ".join(folded.split())  # split() and a \s+ regex agree on spaces, faster


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def slugify_vi(text: str, max_length: int = 80) -> str:
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "item"
