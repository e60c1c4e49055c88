"""PostgreSQL search over `search_productdocument` (one narrow row per listable product) and
`search_producttext` (its folded words), kept by triggers in the writers' transactions
(search/migrations/0004): accent-folded full text (unaccent + 'simple' config) and a pg_trgm fallback for
typos. One SQL statement returns the page of ids, the total and every facet count.

Matching: each query word must occur in the product (name, description), its producer (name, province) or its
category: all of them are folded into the document's one tsvector, so a query is one GIN lookup. Words are
folded like Vietnamese shoppers type them ("Sơn La" = "son la" = "SON LA"). When nothing matches, a tolerant
pass accepts trigram-similar names and all-but-one words, keeps the best SEARCH_NEAR_MATCHES of them (words
in the name, then the producer, then anywhere, then name similarity) and flags the result as fuzzy. Misspelt
or run-together words are corrected before the backend runs (search/spelling.py, search.selectors).

Visibility: a document exists exactly for the products that `catalog.selectors.products_visible_to_shoppers()`
accepts on some day; its date part (`valid_until >= today`) is applied here, at query time (tested against
the selector over every case). Pages load their cards through the selector anyway
(`visible_product_cards_in_order`).

Facet counts: with no text, price or producer scope (the plain and facet-filtered listings), they come from
`search_facetcount` + `search_facetdelta`, a few hundred rows, instead of every visible product.
"""

# ruff: noqa: S608 - SQL is assembled only from constant fragments here; every user value is a bound parameter.
from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.core.text import fold, nfc
from marketplace.search.backends.base import SearchBackend, SearchFilters, SearchQuery, SearchResult

MAX_WORDS = 8
MAX_QUERY_CHARS = 120
FACETS = ("stars", "province", "category", "kind", "in_stock")


@dataclass(frozen=True)
class _Flags:
    """The shopper's facet filters as boolean columns (`columns`, with `params`), so each facet can count
    with every filter but its own; inactive ones are left out altogether. `scope` (price range, producer)
    has no facet of its own: it narrows every count, so it is a plain condition that indexes can serve."""

    names: tuple[str, ...]
    columns: str
    params: list
    scope: str
    scope_params: list

    def all_but(self, name: str = "") -> str:
        return " AND ".join(flag for flag in self.names if flag != name) or "true"

    def select(self) -> str:
        return f", {self.columns}" if self.columns else ""


_WORD = re.compile(r"[a-z0-9]+")

# Producer name + province words, as indexed by search/migrations/0001 (the producer branch of the typo pass).
PRODUCER_TEXT = "search_fold({t}.name || ' ' || replace({t}.province, '-', ' '))"

SORTS = {
    "relevance": "rank DESC, stars DESC, created_at DESC, id DESC",
    "price": "min_price ASC NULLS LAST, id ASC",
    "-price": "min_price DESC NULLS LAST, id ASC",
    "newest": "created_at DESC, id DESC",
    "stars": "stars DESC, rank DESC, created_at DESC, id DESC",
    # Buyers' rating, kept on the product by reviews.services (not a search column): a primary-key lookup
    # per matching row, `{row}` being the alias of the rows sorted.
    "rating": (
        "(SELECT p.rating_average FROM catalog_product p WHERE p.id = {row}.id) DESC NULLS LAST, "
        "(SELECT p.rating_count FROM catalog_product p WHERE p.id = {row}.id) DESC, stars DESC, id DESC"
    ),
}
# Without a text every rank is 0: the same orders, spelled so that the documents' sort indexes serve them.
SORTS_WITHOUT_TEXT = {
    **SORTS,
    "relevance": "stars DESC, created_at DESC, id DESC",
    "stars": "stars DESC, created_at DESC, id DESC",
}
DOCUMENT_COLUMNS = (
    "d.product_id AS id, d.created_at, d.category_id, d.producer_id, d.province, d.kind, d.stars, \
d.min_price, d.in_stock"
)
COUNT_COLUMNS = "stars, province, category_id, kind, in_stock, products"


def query_words(text: str) -> list[str]:
    """Folded words of a shopper's query: 'Cà phê  SƠN-La!' -> ['ca', 'phe', 'son', 'la']."""
    return _WORD.findall(fold(nfc(text or "")[:MAX_QUERY_CHARS]))[:MAX_WORDS]


# Cached answers are keyed by a generation number: forgetting them all is one increment, never a scan.
CACHE_GENERATION_KEY = "search:pg:generation"


def forget_cached_results() -> None:
    try:
        cache.incr(CACHE_GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): any new one differs from what keys were made with
        cache.set(CACHE_GENERATION_KEY, int(timezone.now().timestamp() * 1000), None)


def _cache_key(query: SearchQuery, today: datetime.date) -> str:
    generation = cache.get(CACHE_GENERATION_KEY)
    if generation is None:
        generation = int(timezone.now().timestamp() * 1000)
        cache.add(CACHE_GENERATION_KEY, generation, None)
        generation = cache.get(CACHE_GENERATION_KEY, generation)
    # `today` in the key: a certificate that lapses at midnight drops out of every answer at once.
    digest = hashlib.sha256(repr((query, today.isoformat())).encode()).hexdigest()
    return f"search:pg:{generation}:{digest}"


class PostgresBackend(SearchBackend):
    def search(self, query: SearchQuery) -> SearchResult:
        """With SEARCH_RESULT_CACHE_SECONDS the answer (ids, total, facets) is reused for that long, or until
        a service reports a product change. Products are still loaded through the visibility rule, so a
        cached answer can at worst count a product that has just become invisible, never show it."""
        seconds = settings.SEARCH_RESULT_CACHE_SECONDS
        if seconds <= 0:
            return self._search(query)
        key = _cache_key(query, timezone.localdate())
        result = cache.get(key)
        if result is None:
            result = self._search(query)
            cache.set(key, result, seconds)
        return result

    def _search(self, query: SearchQuery) -> SearchResult:
        today = timezone.localdate()
        words = query_words(query.text)
        if query.text.strip() and not words:
            # Only punctuation or symbols: nothing can match, and that is an answer, not an error.
            return SearchResult(product_ids=[], total=0, facets={name: {} for name in FACETS})
        result = self._run(query, words, today, fuzzy=False)
        if words and result.total == 0:
            result = self._run(query, words, today, fuzzy=True)
            result.fuzzy = result.total > 0
        return result

    # The documents are kept by triggers in the writers' transactions: nothing to push.
    def index_products(self, product_ids: list[int]) -> None:
        return None

    def rebuild(self) -> int:
        """Recompute every document and the facet counts from the catalogue (the triggers keep them; this is
        for repairs and after restoring data with triggers disabled)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_rebuild_documents(%s)", [timezone.localdate()])
        return products_visible_to_shoppers().count()

    def _run(
        self, query: SearchQuery, words: list[str], today: datetime.date, *, fuzzy: bool
    ) -> SearchResult:
        filters = query.filters
        flags = _filter_flags(filters)
        page = [max(int(query.limit), 0), max(int(query.offset), 0)]
        if not words and not flags.scope_params:
            sql, params = _counted_sql(query, flags, today, page)
        else:
            sql, params = _scanned_sql(query, words, flags, today, page, fuzzy=fuzzy)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()

        facets: dict[str, dict] = {name: {} for name in FACETS}
        total, ids = 0, []
        for stars, province, category_id, kind, *counts, page_ids in rows:
            by_stars, by_province, by_category, by_kind, in_stock, matching = (int(n or 0) for n in counts)
            # The grouped columns are never NULL in the data, so the one set in a row names its facet.
            if stars is not None:
                facets["stars"][stars] = by_stars
            elif province is not None:
                facets["province"][province] = by_province
            elif category_id is not None:
                facets["category"][category_id] = by_category
            elif kind is not None:
                facets["kind"][kind] = by_kind
            else:
                total, ids = matching, list(page_ids or [])
                facets["in_stock"]["true"] = in_stock
        for values in facets.values():
            for key in [key for key, count in values.items() if not count]:
                del values[key]
        return SearchResult(product_ids=ids, total=total, facets=facets)


def _facet_select(source: str, count: str, page_sql: str, flags: _Flags) -> str:
    """Every facet (each with every filter but its own), the total and the page, in one pass over `source`
    (rows carrying the filter flags)."""
    return f"""
        SELECT stars, province, category_id, kind,
               {count} FILTER (WHERE {flags.all_but("f_stars")}),
               {count} FILTER (WHERE {flags.all_but("f_province")}),
               {count} FILTER (WHERE {flags.all_but("f_category")}),
               {count} FILTER (WHERE {flags.all_but("f_kind")}),
               {count} FILTER (WHERE in_stock AND {flags.all_but("f_stock")}),
               {count} FILTER (WHERE {flags.all_but()}),
               CASE WHEN GROUPING(stars, province, category_id, kind) = 15 THEN ({page_sql}) END
        FROM {source}
        GROUP BY GROUPING SETS ((stars), (province), (category_id), (kind), ())
    """


def _counted_sql(query: SearchQuery, flags: _Flags, today, page: list) -> tuple[str, list]:
    """No text, price or producer scope: counts from the facet tables, the page straight from a sort index.

    The counts are for the day of the last compaction (`counted_on`, normally today): documents whose
    certificate lapsed since are taken off, and if `today` is earlier (a past date asked for), the ones
    valid then but not on `counted_on` are added — both an indexed range of `valid_until`, usually empty."""
    order_by = (SORTS_WITHOUT_TEXT.get(query.sort) or SORTS_WITHOUT_TEXT["relevance"]).format(row="docs")
    page_sql = f"""
        SELECT array_agg(id) FROM (
            SELECT id FROM (
                SELECT {DOCUMENT_COLUMNS}{flags.select()}
                FROM search_productdocument d WHERE d.valid_until >= %s
            ) docs
            WHERE {flags.all_but()} ORDER BY {order_by} LIMIT %s OFFSET %s
        ) page
    """
    sql = f"""
        WITH state AS (
            SELECT COALESCE((SELECT counted_on FROM search_facetstate), '-infinity'::date) AS counted_on
        ),
        counted AS (
            SELECT {COUNT_COLUMNS} FROM search_facetcount
            UNION ALL
            SELECT {COUNT_COLUMNS} FROM search_facetdelta
            UNION ALL
            SELECT d.stars, d.province, d.category_id, d.kind, d.in_stock,
                   CASE WHEN d.valid_until < %s THEN -1 ELSE 1 END
            FROM search_productdocument d, state
            WHERE d.valid_until >= LEAST(state.counted_on, %s)
              AND d.valid_until < GREATEST(state.counted_on, %s)
        ),
        flagged AS (SELECT counted.*{flags.select()} FROM counted)
        {_facet_select("flagged", "sum(products)", page_sql, flags)}
    """
    return sql, [today, today, today, *flags.params, *flags.params, today, *page]


def _scanned_sql(
    query: SearchQuery, words: list[str], flags: _Flags, today, page: list, *, fuzzy: bool
) -> tuple[str, list]:
    """A text, a price range or a producer scope: the matching documents once (MATERIALIZED), then every
    count and the page from them."""
    match_sql, rank_sql, match_params, rank_params = _text_sql(words, today, fuzzy=fuzzy)
    order_by = (SORTS.get(query.sort) or SORTS["relevance"]).format(row="matched")
    page_sql = (
        f"SELECT array_agg(id) FROM (SELECT id FROM matched WHERE {flags.all_but()} "
        f"ORDER BY {order_by} LIMIT %s OFFSET %s) page"
    )
    # With words, the texts table (it carries the document columns too: one table, one heap visit a match).
    source = "search_producttext" if words else "search_productdocument"
    sql = f"""
        WITH matched AS MATERIALIZED (
            SELECT {DOCUMENT_COLUMNS}, {rank_sql} AS rank{flags.select()}
            FROM {source} d
            WHERE d.valid_until >= %s AND {match_sql} AND {flags.scope}
        )
        {_facet_select("matched", "count(*)", page_sql, flags)}
    """
    return sql, [*rank_params, *flags.params, today, *match_params, *flags.scope_params, *page]


def _all_words(words: list[str]) -> str:
    # Words are [a-z0-9]+ (query_words), so they are safe tsquery operands; still passed as a parameter.
    return " & ".join(words)


def _text_sql(words: list[str], today: datetime.date, *, fuzzy: bool) -> tuple[str, str, list, list]:
    """(condition on the document, rank expression, their params). Rank: each word found in the product name
    counts far more than one found in the producer, so name matches come first; description-only last."""
    if not words:
        return "true", "0", [], []
    rank_sql = " + ".join(
        [
            *("(CASE WHEN d.name_vector @@ to_tsquery('simple', %s) THEN 10 ELSE 0 END)" for _ in words),
            *("(CASE WHEN d.producer_vector @@ to_tsquery('simple', %s) THEN 3 ELSE 0 END)" for _ in words),
        ]
    )
    rank_params = [*words, *words]
    if not fuzzy:
        return "d.document @@ to_tsquery('simple', %s)", f"({rank_sql})", [_all_words(words)], rank_params
    # Tolerant pass: the phrase is trigram-close (pg_trgm's indexed `<%`) to the name or the producer, or,
    # for three words or more, all words but one match.
    phrase = " ".join(words)
    branches = [
        "SELECT product_id FROM search_producttext WHERE %s <%% name_folded",
        "SELECT product_id FROM search_productdocument WHERE producer_id = ANY(ARRAY("
        f"SELECT pf.id FROM producers_producer pf WHERE %s <%% {PRODUCER_TEXT.format(t='pf')}))",
    ]
    params: list = [phrase, phrase]
    if len(words) >= 3:
        all_but_one = " | ".join(
            f"({_all_words([word for i, word in enumerate(words) if i != skipped])})"
            for skipped in range(len(words))
        )
        branches.append(
            "SELECT product_id FROM search_producttext WHERE document @@ to_tsquery('simple', %s)"
        )
        params.append(all_but_one)
    # Each branch on its own index, then one id list (an OR across the two tables would scan them all),
    # ranked and cut to SEARCH_NEAR_MATCHES: a near match is a suggestion, not every product sharing a word.
    near_rank = " + ".join(
        [
            *("(CASE WHEN t.name_vector @@ to_tsquery('simple', %s) THEN 10 ELSE 0 END)" for _ in words),
            *("(CASE WHEN t.producer_vector @@ to_tsquery('simple', %s) THEN 3 ELSE 0 END)" for _ in words),
            *("(CASE WHEN t.document @@ to_tsquery('simple', %s) THEN 1 ELSE 0 END)" for _ in words),
            "word_similarity(%s, t.name_folded) * 10",
        ]
    )
    capped = (
        f"SELECT t.product_id FROM search_producttext t WHERE t.valid_until >= %s "
        f"AND t.product_id IN ({' UNION '.join(branches)}) "
        f"ORDER BY {near_rank} DESC, t.product_id DESC LIMIT %s"
    )
    capped_params = [
        today,
        *params,
        *words,
        *words,
        *words,
        phrase,
        max(int(settings.SEARCH_NEAR_MATCHES), 0),
    ]
    rank_sql = f"({rank_sql} + (word_similarity(%s, d.name_folded) * 10)::int)"
    return f"d.product_id IN ({capped})", rank_sql, capped_params, [*rank_params, phrase]


def _filter_flags(filters: SearchFilters) -> _Flags:
    # (flag, condition, its parameters, whether the shopper asked for it)
    candidates = [
        ("f_stars", "stars = ANY(%s)", _listed(filters.stars), bool(filters.stars)),
        ("f_province", "province = ANY(%s)", _listed(filters.provinces), bool(filters.provinces)),
        ("f_category", "category_id = ANY(%s)", _listed(filters.category_ids), bool(filters.category_ids)),
        ("f_kind", "kind = ANY(%s)", _listed(filters.producer_kinds), bool(filters.producer_kinds)),
        ("f_stock", "in_stock", [], filters.in_stock),
    ]
    active = [(name, sql, values) for name, sql, values, asked in candidates if asked]
    scope: list[str] = ["true"]
    scope_params: list[Any] = []
    if filters.price_min is not None:
        scope.append("d.min_price >= %s")
        scope_params.append(int(filters.price_min))
    if filters.price_max is not None:
        scope.append("d.min_price <= %s")
        scope_params.append(int(filters.price_max))
    if filters.producer_ids:  # not a facet: one producer's page
        scope.append("d.producer_id = ANY(%s)")
        scope_params.append(list(filters.producer_ids))
    return _Flags(
        names=tuple(name for name, _, _ in active),
        columns=", ".join(f"({sql}) AS {name}" for name, sql, _ in active),
        params=[value for _, _, values in active for value in values],
        scope=" AND ".join(scope),
        scope_params=scope_params,
    )


def _listed(values) -> list:
    return [list(values)] if values else []
