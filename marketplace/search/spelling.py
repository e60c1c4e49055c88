"""Spelling help from the catalogue's own vocabulary: a misspelt query ("ca phe son lla") or one typed
without spaces ("caphe", "sonla", "matong") is rewritten to the words the catalogue uses before any backend
searches, and the page offers the rewrite with its diacritics ("Bạn có muốn tìm: cà phê Sơn La?").

Vocabulary (`vocabulary()`):
- `known`: every folded word any product's search text holds (`search_producttext.document`, through
  PostgreSQL's ts_stat, whatever the backend): a word found there is never "corrected";
- `counts`: the words shoppers may be offered, from the names, groups, producers and provinces of the
  products shoppers can see (`catalog.selectors.products_visible_to_shoppers`: a hidden product's name is
  never suggested), with how often each occurs;
- `joined`: the same phrases' two- and three-word runs written without spaces ("caphe" → "ca phe");
- `display`: each folded run's written form, for the suggestion.

It is built in two queries and kept in the process for SEARCH_VOCABULARY_SECONDS (a new product's words are
offered once it expires; building takes ~0.1 s for the demo, ~3 s for 20,000 distinct names). Corrections are
Damerau-Levenshtein distance 1 (words of 3-5 letters) or 2 (longer), found through an index of deletions
(no scan of the vocabulary), the candidate forming a known pair with a neighbouring word first, then the
most frequent; a word of four letters or fewer only when the correction forms such a pair."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from django.conf import settings
from django.db import connection

from marketplace.core import provinces
from marketplace.core.text import fold, nfc

# Words shoppers type for catalogue words no edit distance reaches (loanwords, English): used only when
# the catalogue holds every word of the replacement.
ALIASES: dict[str, tuple[str, ...]] = {
    "cafe": ("ca", "phe"),
    "caffe": ("ca", "phe"),
    "coffee": ("ca", "phe"),
    "tea": ("tra",),
    "honey": ("mat", "ong"),
}
MAX_RUN = 3  # words in a run written without spaces, or shown with its diacritics
MAX_WORD_CHARS = 30  # longer "words" are not corrected
_TOKEN = re.compile(r"\w+")
_FOLDED_WORD = re.compile(r"^[a-z]+$")  # numbers and codes are never corrected nor offered


@dataclass
class Vocabulary:
    known: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)
    joined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pairs: frozenset[tuple[str, str]] = frozenset()
    display: dict[tuple[str, ...], str] = field(default_factory=dict)
    # deletion (one or two letters removed) -> the terms (words, or joined runs) it comes from
    deletions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass(frozen=True)
class Spelling:
    words: tuple[str, ...]  # the folded words to search for
    changed: bool  # whether any word was corrected or split
    suggestion: str  # the rewritten query as written in the catalogue ("" when nothing changed)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(written, folded) for each word of a phrase, written forms with their diacritics."""
    pairs = []
    for token in _TOKEN.findall(nfc(text)):
        folded = fold(token)
        if _FOLDED_WORD.match(folded):
            pairs.append((token, folded))
    return pairs


def _deletions(term: str, distance: int) -> set[str]:
    found = {term}
    frontier = {term}
    for _ in range(distance):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        found |= frontier
    return found


def _max_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def build_vocabulary(phrases: Iterable[tuple[str, bool]], known_words: Iterable[str]) -> Vocabulary:
    """From (phrase, proper) pairs: a proper phrase (producer, province) keeps its capitals; a common one
    (product name, group) is shown in lower case unless only ever written with a capital mid-phrase."""
    counts: Counter[str] = Counter()
    joined: dict[str, tuple[str, ...]] = {}
    pairs: set[tuple[str, str]] = set()
    forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for (phrase, proper), weight in Counter(phrases).items():  # a group's name once, however many products
        tokens = _tokens(phrase)
        if not proper and tokens:
            first, folded = tokens[0]
            tokens[0] = (first[:1].lower() + first[1:], folded)
        folded_words = [folded for _, folded in tokens]
        for word in folded_words:
            counts[word] += weight
        pairs.update(pairwise(folded_words))
        for size in range(1, MAX_RUN + 1):
            for start in range(len(tokens) - size + 1):
                run = tokens[start : start + size]
                key = tuple(folded for _, folded in run)
                forms[key][" ".join(written for written, _ in run)] += weight
                if size > 1:
                    joined.setdefault("".join(key), key)
    display = {key: _preferred(written) for key, written in forms.items()}
    vocabulary = Vocabulary(
        known=frozenset(known_words) | frozenset(counts),
        counts=dict(counts),
        joined=joined,
        pairs=frozenset(pairs),
        display=display,
    )
    for term in counts:
        if len(term) >= 2:
            for deleted in _deletions(term, _max_distance(term)):
                vocabulary.deletions[deleted].add(term)
    for term in joined:  # runs typed without spaces: one edit ("mattong"), fewer deletions to keep
        for deleted in _deletions(term, 1):
            vocabulary.deletions[deleted].add(term)
    return vocabulary


def _preferred(written: Counter[str]) -> str:
    """A lower-case form when one was seen (a common noun), else the most frequent."""
    lower = [(count, form) for form, count in written.items() if form[:1].islower()]
    pool = lower or [(count, form) for form, count in written.items()]
    return max(pool, key=lambda item: (item[0], item[1]))[1]


def damerau_levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _candidates(vocabulary: Vocabulary, word: str) -> list[tuple[int, str]]:
    limit = _max_distance(word)
    terms: set[str] = set()
    for deleted in _deletions(word, limit):
        terms |= vocabulary.deletions.get(deleted, set())
    found = []
    for term in terms:
        distance = damerau_levenshtein(word, term)
        if distance <= min(limit, 1 if term in vocabulary.joined else _max_distance(term)):
            found.append((distance, term))
    return found


def _expand(vocabulary: Vocabulary, term: str) -> tuple[str, ...]:
    return vocabulary.joined.get(term, (term,))


def _scorer(vocabulary: Vocabulary, before: str, after: str):
    """Sort key of a candidate (distance, term): nearest, then forming a known pair with a neighbouring
    word, then the most frequent, then alphabetical (stable answers)."""

    def score(candidate: tuple[int, str]) -> tuple[int, bool, int, str]:
        distance, term = candidate
        parts = _expand(vocabulary, term)
        in_pair = (before, parts[0]) in vocabulary.pairs or (parts[-1], after) in vocabulary.pairs
        frequency = min(vocabulary.counts.get(part, 0) for part in parts)
        return (distance, not in_pair, -frequency, term)

    return score


def correct(vocabulary: Vocabulary, words: list[str]) -> Spelling:
    """The words to search for: known ones as they are, a run typed without spaces split, a misspelt
    word replaced by its nearest catalogue word (or run)."""
    result: list[str] = []
    changed = False
    for index, word in enumerate(words):
        if word in vocabulary.known or len(word) < 3 or len(word) > MAX_WORD_CHARS or word.isdigit():
            result.append(word)
            continue
        if word in vocabulary.joined:
            result.extend(vocabulary.joined[word])
            changed = True
            continue
        alias = ALIASES.get(word, ())
        if alias and all(part in vocabulary.counts for part in alias):
            result.extend(alias)
            changed = True
            continue
        before = result[-1] if result else ""
        after = words[index + 1] if index + 1 < len(words) else ""
        score = _scorer(vocabulary, before, after)
        candidates = sorted(_candidates(vocabulary, word), key=score)
        if candidates and len(word) <= 4 and score(candidates[0])[1]:
            # A short word has many neighbours ("banh" is one letter from "bach"): corrected only when the
            # result forms a pair the catalogue writes with the next or previous word ("son lla").
            candidates = []
        if not candidates:
            result.append(word)
            continue
        result.extend(_expand(vocabulary, candidates[0][1]))
        changed = True
    return Spelling(
        words=tuple(result), changed=changed, suggestion=written(vocabulary, result) if changed else ""
    )


def written(vocabulary: Vocabulary, words: list[str]) -> str:
    """The folded words with the catalogue's diacritics, longest known runs first."""
    parts: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(MAX_RUN, len(words) - index), 0, -1):
            key = tuple(words[index : index + size])
            if key in vocabulary.display:
                parts.append(vocabulary.display[key])
                index += size
                break
        else:
            parts.append(words[index])
            index += 1
    return " ".join(parts)


# --- The process's vocabulary ------------------------------------------------------------------------

_lock = threading.Lock()
_cached: dict[str, object] = {}


def vocabulary() -> Vocabulary:
    """This process's vocabulary, rebuilt once older than SEARCH_VOCABULARY_SECONDS (0: at every call).
    Not dropped on every catalogue change: stock and price changes are frequent and change no word."""
    seconds = settings.SEARCH_VOCABULARY_SECONDS
    with _lock:
        built = _cached.get("vocabulary")
        at = _cached.get("at")
        if (
            seconds > 0
            and isinstance(built, Vocabulary)
            and isinstance(at, float)
            and time.monotonic() - at < seconds
        ):
            return built
    fresh = load_vocabulary()
    with _lock:
        _cached.update(vocabulary=fresh, at=time.monotonic())
    return fresh


def load_vocabulary() -> Vocabulary:
    """Two queries: the visible products' phrases, and every word of every product's search text."""
    from marketplace.catalog.selectors import products_visible_to_shoppers

    rows = products_visible_to_shoppers().values_list(
        "name", "category__name", "producer__name", "producer__province"
    )
    phrases: list[tuple[str, bool]] = []
    seen_proper: set[str] = set()
    for name, group, producer, province in rows:
        phrases.append((name, False))
        phrases.append((group or "", False))
        for proper in (producer or "", provinces.name_of(province or "")):
            if proper and proper not in seen_proper:  # once each: a producer's many products do not outweigh
                seen_proper.add(proper)
                phrases.append((proper, True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM ts_stat('SELECT document FROM search_producttext')")
        known = [word for (word,) in cursor.fetchall()]
    return build_vocabulary(phrases, known)


def spelling_for(words: list[str]) -> Spelling:
    """The query's words, corrected against the catalogue when some word is unknown (no query otherwise
    once the vocabulary is built)."""
    if not words:
        return Spelling(words=(), changed=False, suggestion="")
    return correct(vocabulary(), words)
