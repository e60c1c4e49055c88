"""Spelling from the catalogue's vocabulary: unit tests on a small vocabulary (no database)."""

import pytest

from marketplace.search.spelling import build_vocabulary, correct, damerau_levenshtein

PHRASES = [
    ("Cà phê bột nguyên chất", False),
    ("Cà phê hạt rang Bích Thao", False),
    ("Chè shan tuyết Ôn Ốc", False),
    ("Mật ong Quyết Thắng", False),
    ("Bạch trà mây", False),
    ("Đồ uống", False),
    ("HTX Cà phê Bích Thao", True),
    ("Sơn La", True),
    ("Lào Cai", True),
    ("Công ty Lan Rừng", True),
]
KNOWN_ELSEWHERE = ["vung", "nguyen", "lieu"]  # words of descriptions: known, never suggested


@pytest.fixture(scope="module")
def vocabulary():
    return build_vocabulary(PHRASES, KNOWN_ELSEWHERE)


@pytest.mark.parametrize(
    ("query", "words", "suggestion"),
    [
        ("caphe son la", ("ca", "phe", "son", "la"), "cà phê Sơn La"),
        ("ca phe son lla", ("ca", "phe", "son", "la"), "cà phê Sơn La"),
        ("sonla", ("son", "la"), "Sơn La"),
        ("matong", ("mat", "ong"), "mật ong"),
        ("mattong", ("mat", "ong"), "mật ong"),  # one letter too many, run together
        ("cafe son la", ("ca", "phe", "son", "la"), "cà phê Sơn La"),  # an alias
        ("shan tuyett", ("shan", "tuyet"), "shan tuyết"),
        ("che shan tuyeet on oc", ("che", "shan", "tuyet", "on", "oc"), "chè shan tuyết Ôn Ốc"),
        ("bich thoa", ("bich", "thao"), "Bích Thao"),  # two letters swapped
    ],
)
def test_corrections_and_suggestions(vocabulary, query, words, suggestion):
    result = correct(vocabulary, query.split())
    assert (result.words, result.changed, result.suggestion) == (words, True, suggestion)


@pytest.mark.parametrize(
    "query",
    [
        "ca phe son la",  # every word known
        "tra shan tuyet",
        "mat ong rung",
        "vung nguyen lieu",  # known from descriptions
        "banh",  # one letter from "bach", but a short word alone is not corrected
        "xyzzyq",  # nothing near
        "500",
        "a b",
    ],
)
def test_known_short_or_hopeless_words_stay(vocabulary, query):
    result = correct(vocabulary, query.split())
    assert (result.words, result.changed, result.suggestion) == (tuple(query.split()), False, "")


def test_damerau_levenshtein():
    assert damerau_levenshtein("thoa", "thao") == 1
    assert damerau_levenshtein("lla", "la") == 1
    assert damerau_levenshtein("mattong", "matong") == 1
    assert damerau_levenshtein("abc", "xyz") == 3
    assert damerau_levenshtein("", "ab") == 2
