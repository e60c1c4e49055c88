"""PostgreSQL search over the live catalogue tables: accent-folded full text (unaccent + 'simple' config)
with a pg_trgm fallback for typos. One SQL statement returns the page of ids, the total and every facet count.

Matching: each query word must occur in the product (name, description), its producer (name, province) or its
category. Words are folded like Vietnamese shoppers type them ("Sơn La" = "son la" = "SON LA"). When nothing
matches, a tolerant pass accepts trigram-similar names and all-but-one words, and flags the result as fuzzy.

Visibility is never re-implemented here: the candidate set is the SQL of
`catalog.selectors.products_visible_to_shoppers()` (and `active_certifications()` for the stars), so facets
only ever count visible products.
"""

# ruff: noqa: S608 - SQL is assembled only from constant fragments here; every user value is a bound parameter.
from __future__ import annotations

import datetime
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from marketplace.catalog.selectors import active_certifications, products_visible_to_shoppers
from marketplace.core.text import fold, nfc
from marketplace.search.backends.base import SearchBackend, SearchFilters, SearchQuery, SearchResult

MAX_WORDS = 8
MAX_QUERY_CHARS = 120
FACETS = ("stars", "province", "category", "kind", "in_stock")
FLAGS = ("f_stars", "f_province", "f_category", "f_kind", "f_price", "f_stock", "f_fixed")
ALL_FLAGS = " AND ".join(FLAGS)


def _all_but(flag: str) -> str:
    return " AND ".join(f for f in FLAGS if f != flag)


_WORD = re.compile(r"[a-z0-9]+")

# Expressions matching the indexes of search/migrations/0001 exactly (so the planner can use them).
PRODUCT_DOC = "to_tsvector('simple'::regconfig, search_fold({t}.name || ' ' || {t}.description))"
PRODUCT_NAME = "to_tsvector('simple'::regconfig, search_fold({t}.name))"
PRODUCER_DOC = (
    "to_tsvector('simple'::regconfig, search_fold({t}.name || ' ' || replace({t}.province, '-', ' ')))"
)
PRODUCER_TEXT = "search_fold({t}.name || ' ' || replace({t}.province, '-', ' '))"
CATEGORY_DOC = "to_tsvector('simple'::regconfig, search_fold({t}.name))"

# Cheapest price and stock per product. With a text query only the matching rows need it (an index lookup
# each); a plain listing needs all of them, where one grouped pass over the variants is faster.
VARIANTS_ALL = """LEFT JOIN (
                SELECT v.product_id, min(v.price_amount) AS min_price,
                       bool_or(COALESCE(s.quantity - s.quantity_allocated, 0) > 0) AS in_stock
                FROM catalog_productvariant v LEFT JOIN catalog_stock s ON s.variant_id = v.id
                GROUP BY v.product_id
            ) agg ON agg.product_id = p.id"""
VARIANTS_PER_ROW = """LEFT JOIN LATERAL (
                SELECT min(v.price_amount) AS min_price,
                       bool_or(COALESCE(s.quantity - s.quantity_allocated, 0) > 0) AS in_stock
                FROM catalog_productvariant v LEFT JOIN catalog_stock s ON s.variant_id = v.id
                WHERE v.product_id = p.id
            ) agg ON true"""

SORTS = {
    "relevance": "rank DESC, stars DESC, created_at DESC, id DESC",
    "price": "min_price ASC NULLS LAST, id ASC",
    "-price": "min_price DESC NULLS LAST, id ASC",
    "newest": "created_at DESC, id DESC",
    "stars": "stars DESC, rank DESC, created_at DESC, id DESC",
}


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

    # The index lives in PostgreSQL itself: nothing to push or rebuild.
    def index_products(self, product_ids: list[int]) -> None:
        return None

    def rebuild(self) -> int:
        return products_visible_to_shoppers().count()

    def _run(
        self, query: SearchQuery, words: list[str], today: datetime.date, *, fuzzy: bool
    ) -> SearchResult:
        params: list = []
        # The visible products with the columns the answer needs, straight from THE visibility rule (one scan
        # of the products; without its model ordering, which would sort every row for nothing).
        visible_sql, visible_params = _unordered(
            products_visible_to_shoppers(today=today).values(
                "id", "created_at", "category_id", "producer_id", *(("name",) if fuzzy else ())
            )
        ).sql_with_params()
        active_sql, active_params = (
            active_certifications(today=today)
            .order_by()
            .values("product_id", "stars")
            .query.sql_with_params()
        )

        matched_sql, rank_sql, text_params, rank_params = _text_sql(words, fuzzy=fuzzy)
        # The matching ids first, from indexes only (MATERIALIZED: computed once, never re-planned per row).
        matched_cte = f"matched AS MATERIALIZED ({matched_sql})," if matched_sql else ""
        text_where = "AND p.id IN (SELECT id FROM matched)" if matched_sql else ""
        filters_sql, filter_params = _filter_flags(query.filters)

        order_by = SORTS.get(query.sort) or SORTS["relevance"]
        variants_join = VARIANTS_PER_ROW if matched_sql else VARIANTS_ALL
        sql = f"""
        WITH {matched_cte} base AS (
            SELECT p.id, p.created_at, p.category_id, p.producer_id, pr.province, pr.kind, c.stars,
                   agg.min_price, COALESCE(agg.in_stock, false) AS in_stock,
                   {rank_sql} AS rank
            FROM ({visible_sql}) p
            JOIN producers_producer pr ON pr.id = p.producer_id
            JOIN ({active_sql}) c ON c.product_id = p.id
            {variants_join}
            WHERE true {text_where}
        ),
        flagged AS MATERIALIZED (
            SELECT base.*, {filters_sql} FROM base
        )
        SELECT stars, province, category_id, kind,
               count(*) FILTER (WHERE {_all_but("f_stars")}),
               count(*) FILTER (WHERE {_all_but("f_province")}),
               count(*) FILTER (WHERE {_all_but("f_category")}),
               count(*) FILTER (WHERE {_all_but("f_kind")}),
               count(*) FILTER (WHERE in_stock AND {_all_but("f_stock")}),
               count(*) FILTER (WHERE {ALL_FLAGS}),
               CASE WHEN GROUPING(stars, province, category_id, kind) = 15 THEN (
                   SELECT array_agg(id) FROM (
                       SELECT id FROM flagged WHERE {ALL_FLAGS} ORDER BY {order_by} LIMIT %s OFFSET %s
                   ) page
               ) END
        FROM flagged
        -- One pass over the candidates for every facet and the total.
        GROUP BY GROUPING SETS ((stars), (province), (category_id), (kind), ())
        """
        params = [
            *text_params,
            *rank_params,
            *visible_params,
            *active_params,
            *filter_params,
            max(int(query.limit), 0),
            max(int(query.offset), 0),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()

        facets: dict[str, dict] = {name: {} for name in FACETS}
        total, ids = 0, []
        for stars, province, category_id, kind, *counts, page_ids in rows:
            by_stars, by_province, by_category, by_kind, in_stock, matching = counts
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


def _word_set() -> str:
    """Ids of the products where one word occurs: in the product (name, description), its producer (name,
    province) or its category. Each branch is a plain indexed lookup (GIN on the folded text, btree on the
    foreign keys), so no row's text is folded at query time (that costs ~100 µs a row)."""
    tsq = "to_tsquery('simple', %s)"
    return (
        f"SELECT wp.id FROM catalog_product wp WHERE {PRODUCT_DOC.format(t='wp')} @@ {tsq}"
        f" UNION SELECT wp.id FROM catalog_product wp WHERE wp.producer_id = ANY(ARRAY("
        f"SELECT pw.id FROM producers_producer pw WHERE {PRODUCER_DOC.format(t='pw')} @@ {tsq}))"
        f" UNION SELECT wp.id FROM catalog_product wp WHERE wp.category_id = ANY(ARRAY("
        f"SELECT cw.id FROM catalog_category cw WHERE {CATEGORY_DOC.format(t='cw')} @@ {tsq}))"
    )


def _all_words_set(words: list[str]) -> tuple[str, list[str]]:
    sql = " INTERSECT ".join(f"({_word_set()})" for _ in words)
    # _word_set() uses its word three times (product, producer, category).
    return sql, [word for word in words for _ in range(3)]


def _text_sql(words: list[str], *, fuzzy: bool) -> tuple[str, str, list, list]:
    """(SQL of the matching ids, rank expression, their params). Rank: each word found in the product name
    counts far more than one found in the producer, so name matches come first; description-only last."""
    if not words:
        return "", "0", [], []
    name_hits = " + ".join(
        f"(CASE WHEN p.id IN (SELECT pn.id FROM catalog_product pn "
        f"WHERE {PRODUCT_NAME.format(t='pn')} @@ to_tsquery('simple', %s)) THEN 10 ELSE 0 END)"
        for _ in words
    )
    producer_hits = " + ".join(
        f"(CASE WHEN p.producer_id IN (SELECT pp.id FROM producers_producer pp "
        f"WHERE {PRODUCER_DOC.format(t='pp')} @@ to_tsquery('simple', %s)) THEN 3 ELSE 0 END)"
        for _ in words
    )
    rank_sql = f"({name_hits} + {producer_hits})"
    rank_params = [*words, *words]
    if not fuzzy:
        matched, params = _all_words_set(words)
        return matched, rank_sql, params, rank_params
    # Tolerant pass: the phrase is trigram-close (pg_trgm's indexed `<%`) to the name or the producer, or,
    # for three words or more, all words but one match.
    phrase = " ".join(words)
    branches = [
        "SELECT fp.id FROM catalog_product fp WHERE %s <%% search_fold(fp.name)",
        "SELECT fp.id FROM catalog_product fp WHERE fp.producer_id = ANY(ARRAY(SELECT pf.id FROM "
        f"producers_producer pf WHERE %s <%% {PRODUCER_TEXT.format(t='pf')}))",
    ]
    params: list = [phrase, phrase]
    if len(words) >= 3:
        for skipped in range(len(words)):
            sql, word_params = _all_words_set([word for i, word in enumerate(words) if i != skipped])
            branches.append(f"SELECT * FROM ({sql}) all_but_{skipped}")
            params.extend(word_params)
    rank_sql = f"({rank_sql} + (word_similarity(%s, search_fold(p.name)) * 10)::int)"
    rank_params = [*rank_params, phrase]
    return " UNION ".join(f"({branch})" for branch in branches), rank_sql, params, rank_params


def _filter_flags(filters: SearchFilters) -> tuple[str, list]:
    """One boolean column per filter, so each facet can count with every filter but its own."""
    params: list = []

    def flag(condition: str | None, *values) -> str:
        if condition is None:
            return "true"
        params.extend(values)
        return condition

    price_parts = []
    price_values = []
    if filters.price_min is not None:
        price_parts.append("min_price >= %s")
        price_values.append(int(filters.price_min))
    if filters.price_max is not None:
        price_parts.append("min_price <= %s")
        price_values.append(int(filters.price_max))
    columns = {
        "f_stars": flag("stars = ANY(%s)" if filters.stars else None, *_listed(filters.stars)),
        "f_province": flag("province = ANY(%s)" if filters.provinces else None, *_listed(filters.provinces)),
        "f_category": flag(
            "category_id = ANY(%s)" if filters.category_ids else None, *_listed(filters.category_ids)
        ),
        "f_kind": flag(
            "kind = ANY(%s)" if filters.producer_kinds else None, *_listed(filters.producer_kinds)
        ),
        "f_price": flag(" AND ".join(price_parts) if price_parts else None, *price_values),
        "f_stock": "in_stock" if filters.in_stock else "true",
        # Not a facet: a scope (e.g. one producer's products).
        "f_fixed": flag(
            "producer_id = ANY(%s)" if filters.producer_ids else None,
            *_listed(filters.producer_ids),
        ),
    }
    return ", ".join(f"{expr} AS {name}" for name, expr in columns.items()), params


def _listed(values) -> list:
    return [list(values)] if values else []


def _unordered(queryset):
    # A model's default ordering is useless (and costs a sort) inside a subquery.
    query = queryset.query.clone()
    query.clear_ordering(force=True)
    return query
