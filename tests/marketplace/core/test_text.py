"""fold: the one normalisation search, slugs and the import compare names by."""

import unicodedata

import pytest
from django.db import connection

from catalog_import.names import name_key
from marketplace.core.text import fold, slugify_vi

# Every Vietnamese vowel with every tone (none, huyền, sắc, hỏi, ngã, nặng), lower and upper case, and đ/Đ.
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
SYLLABLES = [
    unicodedata.normalize("NFC", f"{consonant}{vowel}{tone}")
    for consonant in ("", "đ", "Đ", "ng")
    for vowel in VOWELS + [v.upper() for v in VOWELS]
    for tone in TONES
]
NAMES = [
    "Đặc sản Điện Biên",
    "CÀ PHÊ ARABICA SƠN LA",
    "Chè Shan tuyết cổ thụ Suối Giàng",
    "Mật ong hoa nhãn Hưng Yên",
    "Bưởi Diễn, Quýt Hồng Lai Vung",
    " ".join(SYLLABLES),
]


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


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_python_and_database_folding_agree_on_vietnamese(form):
    """Search folds queries in Python and the catalogue in SQL (`search_fold`), the import folds names in
    Python: for the same words all three give the same letters, composed or decomposed."""
    texts = [unicodedata.normalize(form, text) for text in NAMES + SYLLABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_fold(t) FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n", [texts]
        )
        in_database = [row[0] for row in cursor.fetchall()]
    assert [fold(text) for text in texts] == [" ".join(folded.split()) for folded in in_database]
    assert [name_key(text) for text in NAMES[:2]] == ["dac san dien bien", "ca phe arabica son la"]
    assert {fold(s) for s in SYLLABLES} == {
        f"{consonant}{vowel}" for consonant in ("", "d", "ng") for vowel in "aaaeeiooouuy"
    }
