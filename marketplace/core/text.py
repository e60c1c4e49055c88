"""Vietnamese text helpers shared by search, the import pipeline and slugs."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d too), collapse spaces: 'Cà phê Sơn La' → 'ca phe son la'."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def slugify_vi(text: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "item"
