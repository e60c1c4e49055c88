"""Elasticsearch search backend (chosen when ELASTICSEARCH_URL is set), written with `elasticsearch.dsl`.

The index holds one document per product that a shopper may see. Shoppers reach it through an alias
(`<prefix>-products`); a rebuild fills a fresh timestamped index and swaps the alias in one atomic call, so
searches never see a half-built index. Certificates that lapse by date drop out of results at once through a
`valid_until >= today` filter, before the expiry task has re-indexed them.

Matching and ranking are the PostgreSQL backend's (same query words, same per-word scores, same tie-breaks,
same facet counting), so the two give the same results; the contract suite in
tests/marketplace/search/test_backend_contract.py holds both to it. What Elasticsearch adds: the last word
may be the start of a word (as-you-type: "ca ph" finds "Cà phê", through edge n-grams), and near matches
use edit distance instead of trigrams.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Iterable, Iterator
from html import unescape

from django.conf import settings
from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Float,
    Index,
    Integer,
    Keyword,
    Long,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.dsl.query import Query
from elasticsearch.helpers import BulkIndexError, bulk

from marketplace.search.backends.base import SearchBackend, SearchFilters, SearchQuery, SearchResult

# --- Analysis -------------------------------------------------------------------------------------
# Vietnamese is written with spaces between syllables, so the standard tokenizer splits it well; what it
# needs is diacritic-insensitive matching (asciifolding also maps đ → d). `preserve_original` keeps the
# accented token beside the folded one, so a query typed with diacritics matches too.
vi_folding = token_filter("vi_folding", "asciifolding", preserve_original=True)
vi_edge_ngram = token_filter("vi_edge_ngram", "edge_ngram", min_gram=1, max_gram=20)
vi_text = analyzer("vi_text", tokenizer="standard", filter=["lowercase", vi_folding])
# Index-time only: every prefix of every syllable, for as-you-type. Queries are analysed with vi_text, so
# "ph" matches the stored prefix of "phê" and nothing else.
vi_prefix = analyzer("vi_prefix", tokenizer="standard", filter=["lowercase", vi_folding, vi_edge_ngram])

# Ranking, the same as the PostgreSQL backend's: every query word found in the product name scores 10,
# every word found in the producer (name or province) 3; description and category words only match.
# Constant scores (not BM25) make both backends order results identically; ties go to more stars, then
# the newest product.
NAME_WORD_SCORE = 10.0
PRODUCER_WORD_SCORE = 3.0
MATCH_FIELDS = ["name", "description", "producer_name", "province_words", "category_name"]
PRODUCER_FIELDS = ["producer_name", "province_words"]
PREFIX_FIELDS = ["name.prefix", "producer_name.prefix"]
FUZZY_FIELDS = ["name", "producer_name", "province_words"]
FACETS = ("stars", "province", "category", "kind", "in_stock")


class ProductDocument(Document):
    product_id = Long()
    name = Text(analyzer=vi_text, fields={"prefix": Text(analyzer=vi_prefix, search_analyzer=vi_text)})
    description = Text(analyzer=vi_text)
    producer_name = Text(
        analyzer=vi_text, fields={"prefix": Text(analyzer=vi_prefix, search_analyzer=vi_text)}
    )
    # The province code as words ("son-la" -> "son la"), as the PostgreSQL backend matches it.
    province_words = Text(analyzer=vi_text)
    category_name = Text(analyzer=vi_text)
    producer_id = Long()
    kind = Keyword()
    province = Keyword()
    category_id = Long()
    stars = Integer()
    valid_until = Date()
    price = Long()  # the cheapest variant, what the card shows and the price filter uses
    in_stock = Boolean()
    created_at = Date()
    # Buyers' reviews (reviews.services keeps them on the product and reports the change for re-indexing).
    rating = Float()  # one decimal; absent without reviews
    rating_count = Integer()


def alias_name(prefix: str | None = None) -> str:
    return f"{prefix or settings.ELASTICSEARCH_INDEX_PREFIX}-products"


def product_index(name: str) -> Index:
    """The index definition: settings, analyzers and the ProductDocument mapping."""
    index = Index(name)
    index.settings(
        number_of_shards=1, number_of_replicas=settings.ELASTICSEARCH_REPLICAS, refresh_interval="1s"
    )
    index.document(ProductDocument)
    return index


# --- Documents ------------------------------------------------------------------------------------


def read_version() -> int:
    """A document version: microseconds when its data was read. With `external_gte`, a write made from
    older data (a rebuild that read a product before its last change) never replaces a newer one."""
    return time.time_ns() // 1_000


def product_documents(product_ids: Iterable[int] | None = None, *, batch_size: int = 2_000) -> Iterator[dict]:
    for _version, documents in product_document_batches(product_ids, batch_size=batch_size):
        yield from documents


def product_document_batches(
    product_ids: Iterable[int] | None = None, *, batch_size: int = 2_000
) -> Iterator[tuple[int, list[dict]]]:
    """Index bodies of the visible products among `product_ids` (all visible products when None). One flat
    query per batch, starting from the visibility selector (rows, not model instances: a full rebuild reads
    the whole catalogue)."""
    from django.db.models import Exists, Min, OuterRef, Subquery

    from marketplace.catalog.models import Stock, stock_available
    from marketplace.catalog.selectors import active_certifications, products_visible_to_shoppers

    visible = products_visible_to_shoppers()
    if product_ids is not None:
        visible = visible.filter(pk__in=list(product_ids))
    ids = list(visible.order_by("pk").values_list("pk", flat=True))
    certificate = active_certifications().filter(product=OuterRef("pk")).order_by("-valid_from")
    available = Stock.objects.filter(stock_available(), variant__product=OuterRef("pk"))
    for start in range(0, len(ids), batch_size):
        version = read_version()
        rows = (
            products_visible_to_shoppers()
            .filter(pk__in=ids[start : start + batch_size])
            .annotate(
                stars=Subquery(certificate.values("stars")[:1]),
                valid_until=Subquery(certificate.values("valid_until")[:1]),
                price=Min("variants__price_amount"),
                in_stock=Exists(available),
            )
            .order_by("pk")
            .values(
                "pk",
                "name",
                "description",
                "created_at",
                "producer_id",
                "producer__name",
                "producer__kind",
                "producer__province",
                "category_id",
                "category__name",
                "stars",
                "valid_until",
                "price",
                "in_stock",
                "rating_average",
                "rating_count",
            )
        )
        yield version, [product_document(row) for row in rows]


_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The words of rich text that catalog.services sanitised with nh3 (well-formed, `>` escaped inside
    attributes), so a tag pattern is exact here; a space per tag keeps "</p><p>" from gluing words."""
    return _SPACES.sub(" ", unescape(_TAG.sub(" ", html or ""))).strip()


def product_document(row: dict) -> dict:
    return {
        "product_id": row["pk"],
        "name": row["name"],
        "description": plain_text(row["description"]),
        "producer_name": row["producer__name"],
        "province_words": row["producer__province"].replace("-", " "),
        "category_name": row["category__name"],
        "producer_id": row["producer_id"],
        "kind": row["producer__kind"],
        "province": row["producer__province"],
        "category_id": row["category_id"],
        "stars": row["stars"],
        "valid_until": row["valid_until"].isoformat() if row["valid_until"] else None,
        "price": row["price"],
        "in_stock": row["in_stock"],
        "created_at": row["created_at"].isoformat(),
        "rating": float(row["rating_average"]) if row["rating_average"] is not None else None,
        "rating_count": row["rating_count"],
    }


# --- Queries --------------------------------------------------------------------------------------


def query_words(text: str) -> list[str]:
    # One definition of "a query word" for both backends (folded, at most 8).
    from marketplace.search.backends.postgres import query_words as words

    return words(text)


def word_match(word: str, *, last: bool) -> Query:
    """A word matches when any searchable field holds it; the last word may also be the start of a word
    (as-you-type: "ca ph" finds "Cà phê")."""
    match = Q("multi_match", query=word, fields=MATCH_FIELDS)
    if not last:
        return match
    return Q(
        "bool", should=[match, Q("multi_match", query=word, fields=PREFIX_FIELDS)], minimum_should_match=1
    )


def text_query(words: list[str], *, fuzzy: bool = False) -> Query:
    """Every word must match (fuzzy: each word within an edit or two, and one word may be missing when
    there are three or more), scored per word like the PostgreSQL backend."""
    if fuzzy:
        clauses = [Q("multi_match", query=word, fields=FUZZY_FIELDS, fuzziness="AUTO") for word in words]
        wanted = len(words) - 1 if len(words) >= 3 else len(words)
        matching = [Q("bool", should=clauses, minimum_should_match=wanted)]
    else:
        matching = [word_match(word, last=i == len(words) - 1) for i, word in enumerate(words)]
    scoring = []
    for i, word in enumerate(words):
        name = Q("match", name=word)
        if i == len(words) - 1:
            name = Q("bool", should=[name, Q("match", **{"name.prefix": word})], minimum_should_match=1)
        if fuzzy:
            name = Q("match", name={"query": word, "fuzziness": "AUTO"})
        scoring.append(Q("constant_score", filter=name, boost=NAME_WORD_SCORE))
        producer = Q("multi_match", query=word, fields=PRODUCER_FIELDS)
        scoring.append(Q("constant_score", filter=producer, boost=PRODUCER_WORD_SCORE))
    return Q("bool", filter=matching, should=scoring)


def facet_filters(filters: SearchFilters) -> dict[str, Query]:
    """The filters a shopper toggles, one per facet: each facet counts with every filter but its own."""
    clauses: dict[str, Query] = {}
    if filters.stars:
        clauses["stars"] = Q("terms", stars=sorted(filters.stars))
    if filters.provinces:
        clauses["province"] = Q("terms", province=sorted(filters.provinces))
    if filters.category_ids:
        clauses["category"] = Q("terms", category_id=sorted(filters.category_ids))
    if filters.producer_kinds:
        clauses["kind"] = Q("terms", kind=sorted(filters.producer_kinds))
    if filters.price_min is not None or filters.price_max is not None:
        bounds = {}
        if filters.price_min is not None:
            bounds["gte"] = int(filters.price_min)
        if filters.price_max is not None:
            bounds["lte"] = int(filters.price_max)
        clauses["price"] = Q("range", price=bounds)
    if filters.in_stock:
        clauses["in_stock"] = Q("term", in_stock=True)
    return clauses


def scope_filters(filters: SearchFilters, *, today: datetime.date) -> list[Query]:
    """Always applied, to results and facets alike: certificates still valid today (even before the expiry
    task re-indexes) and a fixed producer scope."""
    clauses = [Q("range", valid_until={"gte": today.isoformat()})]
    if filters.producer_ids:
        clauses.append(Q("terms", producer_id=sorted(filters.producer_ids)))
    return clauses


SORTS: dict[str, list] = {
    "relevance": ["_score", {"stars": "desc"}, {"created_at": "desc"}, {"product_id": "desc"}],
    "price": [{"price": {"order": "asc", "missing": "_last"}}, {"product_id": "asc"}],
    "-price": [{"price": {"order": "desc", "missing": "_last"}}, {"product_id": "asc"}],
    "newest": [{"created_at": "desc"}, {"product_id": "desc"}],
    "stars": [{"stars": "desc"}, "_score", {"created_at": "desc"}, {"product_id": "desc"}],
    # As the PostgreSQL backend: best rated first, unrated last; `unmapped_type` keeps an index built before
    # ratings existed answering until it is rebuilt.
    "rating": [
        {"rating": {"order": "desc", "missing": "_last", "unmapped_type": "float"}},
        {"rating_count": {"order": "desc", "unmapped_type": "integer"}},
        {"stars": "desc"},
        {"product_id": "desc"},
    ],
}

FACET_AGGS = {
    "stars": {"terms": {"field": "stars", "size": 10}},
    "province": {"terms": {"field": "province", "size": 100}},
    "category": {"terms": {"field": "category_id", "size": 500}},
    "kind": {"terms": {"field": "kind", "size": 10}},
}


def _all_of(clauses: list[Query]) -> Query:
    return Q("bool", filter=clauses) if clauses else Q("match_all")


def build_search(
    query: SearchQuery,
    *,
    index: str,
    using: Elasticsearch | str = "default",
    today: datetime.date,
    fuzzy: bool = False,
    only_ids: list[int] | None = None,
) -> Search:
    """Results: text + scope in the query, the shopper's filters as a post_filter. Facets: aggregations over
    the query, each restricted by every shopper filter except its own (as the PostgreSQL backend counts)."""
    words = query_words(query.text)
    must = [text_query(words, fuzzy=fuzzy)] if words else []
    scope = scope_filters(query.filters, today=today)
    if only_ids is not None:  # the capped near matches
        scope.append(Q("ids", values=[str(pk) for pk in only_ids]))
    search = Search(using=using, index=index).query(Q("bool", must=must, filter=scope))
    chosen = facet_filters(query.filters)
    if chosen:
        search = search.post_filter(_all_of(list(chosen.values())))
    for facet, agg in FACET_AGGS.items():
        others = [clause for name, clause in chosen.items() if name != facet]
        search.aggs.bucket(facet, "filter", _all_of(others)).bucket("values", agg)
    in_stock_others = [clause for name, clause in chosen.items() if name != "in_stock"]
    search.aggs.bucket("in_stock", "filter", _all_of([*in_stock_others, Q("term", in_stock=True)]))
    sort = SORTS.get(query.sort) or SORTS["relevance"]
    search = search.sort(*sort).source(False).extra(track_total_hits=True)
    offset, limit = max(int(query.offset), 0), max(int(query.limit), 0)
    return search[offset : offset + limit]


def facets_from_response(aggregations: dict) -> dict[str, dict]:
    facets: dict[str, dict] = {name: {} for name in FACETS}
    for facet in FACET_AGGS:
        for bucket in aggregations[facet]["values"]["buckets"]:
            key = int(bucket["key"]) if facet in ("stars", "category") else bucket["key"]
            facets[facet][key] = bucket["doc_count"]
    if aggregations["in_stock"]["doc_count"]:
        facets["in_stock"]["true"] = aggregations["in_stock"]["doc_count"]
    return facets


# --- Backend --------------------------------------------------------------------------------------


def default_client() -> Elasticsearch:
    return Elasticsearch(
        settings.ELASTICSEARCH_URL,
        request_timeout=settings.ELASTICSEARCH_TIMEOUT,
        retry_on_timeout=True,
        max_retries=2,
    )


class ElasticsearchBackend(SearchBackend):
    # Tells marketplace.search.services that product changes must be pushed to an index.
    uses_external_index = True

    def __init__(self, *, client: Elasticsearch | None = None, prefix: str | None = None):
        self._client = client
        self.alias = alias_name(prefix)

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = default_client()
        return self._client

    # Reads
    def search(self, query: SearchQuery, *, today: datetime.date | None = None) -> SearchResult:
        today = today or timezone.localdate()
        if query.text.strip() and not query_words(query.text):
            # Only punctuation or symbols: nothing can match (as with the PostgreSQL backend).
            return SearchResult(product_ids=[], total=0, facets={name: {} for name in FACETS})
        result = self._run(query, today, fuzzy=False)
        if result.total == 0 and query_words(query.text):
            result = self._run(query, today, fuzzy=True)
            result.fuzzy = result.total > 0
        return result

    def _run(self, query: SearchQuery, today: datetime.date, *, fuzzy: bool) -> SearchResult:
        only_ids = self._near_matches(query, today) if fuzzy else None
        if only_ids == []:
            return SearchResult(product_ids=[], total=0, facets={name: {} for name in FACETS})
        search = build_search(
            query, index=self.alias, using=self.client, today=today, fuzzy=fuzzy, only_ids=only_ids
        )
        response = search.execute().to_dict()
        hits = response["hits"]
        return SearchResult(
            product_ids=[int(hit["_id"]) for hit in hits["hits"]],
            total=hits["total"]["value"],
            facets=facets_from_response(response["aggregations"]),
        )

    def _near_matches(self, query: SearchQuery, today: datetime.date) -> list[int]:
        """The best SEARCH_NEAR_MATCHES products of the tolerant query (as the PostgreSQL backend): a near
        match is a suggestion, not every product sharing a word. Facets and the page then count only them."""
        limit = max(int(settings.SEARCH_NEAR_MATCHES), 0)
        if not limit:
            return []
        words = query_words(query.text)
        search = (
            Search(using=self.client, index=self.alias)
            .query(
                Q(
                    "bool",
                    must=[text_query(words, fuzzy=True)],
                    filter=scope_filters(query.filters, today=today),
                )
            )
            .sort("_score", {"product_id": {"order": "desc"}})
            .source(False)[:limit]
        )
        return [int(hit["_id"]) for hit in search.execute().to_dict()["hits"]["hits"]]

    def ping(self) -> bool:
        # Short and without retries: /readyz must answer within the probe's timeout when the cluster is down.
        return bool(self.client.options(request_timeout=2, max_retries=0).ping())

    # Writes
    def new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    @property
    def building_alias(self) -> str:
        # Set on an index while a rebuild fills it, so changes made meanwhile are written there too.
        return f"{self.alias}-building"

    def ensure_index(self) -> str:
        """Create the first index behind the alias if there is none yet; returns the alias."""
        if not self.client.indices.exists_alias(name=self.alias):
            name = self.new_index_name()
            product_index(name).create(using=self.client)
            self.client.indices.put_alias(index=name, name=self.alias)
        return self.alias

    def _indices_behind(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias))
        except NotFoundError:
            return []

    def write_indices(self) -> list[str]:
        """The live index and, during a rebuild, the one being built."""
        self.ensure_index()
        return sorted({*self._indices_behind(self.alias), *self._indices_behind(self.building_alias)})

    def index_actions(self, indices: list[str], product_ids: Iterable[int] | None) -> Iterator[dict]:
        """Bulk actions: the visible products indexed, and (for explicit ids) the others deleted, each write
        versioned by the time its data was read."""
        wanted = None if product_ids is None else sorted(set(product_ids))
        deleted_version = read_version()
        indexed: set[int] = set()
        for version, documents in product_document_batches(wanted):
            for body in documents:
                indexed.add(body["product_id"])
                for index in indices:
                    yield {
                        "_op_type": "index",
                        "_index": index,
                        "_id": body["product_id"],
                        "_version": version,
                        "_version_type": "external_gte",
                        "_source": body,
                    }
        for product_id in [pk for pk in wanted or [] if pk not in indexed]:
            for index in indices:
                yield {
                    "_op_type": "delete",
                    "_index": index,
                    "_id": product_id,
                    "_version": deleted_version,
                    "_version_type": "external_gte",
                }

    def _bulk(self, actions: Iterator[dict], **kwargs) -> int:
        count, errors = bulk(self.client, actions, raise_on_error=False, stats_only=False, **kwargs)
        assert isinstance(errors, list)
        # Expected, not failures: deleting a document that was never indexed (404), and a write from older
        # data than the document already holds (409). Anything else raises, so the products stay queued
        # for the task's retry.
        failures = [
            error
            for error in errors
            for op, result in error.items()
            if not ((op == "delete" and result.get("status") == 404) or result.get("status") == 409)
        ]
        if failures:
            raise BulkIndexError(f"{len(failures)} document(s) failed to index", failures)
        return count

    def index_products(self, product_ids: list[int]) -> None:
        """Upsert the visible ones, delete the rest (hidden, unpublished, decertified, deleted)."""
        if product_ids:
            self._bulk(self.index_actions(self.write_indices(), product_ids), refresh=False)

    def rebuild(self) -> int:
        """Fill a new index, then point the alias at it and drop the old ones in one atomic swap. While it
        fills, the index also carries the building alias, so the indexing task writes changes to both."""
        name = self.new_index_name()
        product_index(name).create(using=self.client)
        self.client.indices.put_alias(index=name, name=self.building_alias)
        try:
            count = self._bulk(self.index_actions([name], None), refresh=False)
            self.client.indices.refresh(index=name)  # once, so the swapped-in index answers complete
        except Exception:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        old = self._indices_behind(self.alias)
        # An index (not an alias) squatting the alias name is removed in the same atomic call.
        squatter = not old and self.client.indices.exists(index=self.alias)
        swap = [{"remove": {"index": old_name, "alias": self.alias}} for old_name in old]
        if squatter:
            swap.append({"remove_index": {"index": self.alias}})
        swap += [
            {"add": {"index": name, "alias": self.alias}},
            {"remove": {"index": name, "alias": self.building_alias}},
        ]
        self.client.indices.update_aliases(actions=swap)
        for old_name in old:
            self.client.indices.delete(index=old_name, ignore_unavailable=True)
        return count

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def drop(self) -> None:
        """Delete every index behind the alias (tests)."""
        try:
            names = list(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return
        for name in names:
            self.client.indices.delete(index=name, ignore_unavailable=True)
