"""fold: the one normalisation search, slugs and the import compare names by."""

import unicodedata

import pytest

from marketplace.core.text import fold, slugify_vi


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cà phê  Sơn La", "ca phe son la"),
        ("HỢP TÁC XÃ\tĐồng\u00a0Tâm\n", "hop tac xa dong tam"),
        (unicodedata.normalize("NFD", "Mường Lát"), "muong lat"),
        ("Crème brûlée, йогурт", "creme brulee, иогурт"),  # marks of other scripts go too
        ("", ""),
        (None, ""),
    ],
)
def test_fold_drops_case_marks_and_extra_spaces(text, folded):
    assert fold(text) == folded


def test_fold_agrees_with_a_character_by_character_definition():
    text = "".join(chr(c) for c in range(0x20, 0x2100)) + "\u3000x\u0085y"
    decomposed = unicodedata.normalize("NFD", text)
    by_hand = (
        "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d").replace("Đ", "D")
    )
    assert fold(text) == " ".join(by_hand.lower().split())
    assert fold(text + "\U0001d167") == fold(text)  # a mark outside the kept table is dropped as well


def test_slugify_vi():
    assert slugify_vi("HTX Chè Shan tuyết (Tà Xùa)") == "htx-che-shan-tuyet-ta-xua"
    assert slugify_vi("!!!") == "item"
