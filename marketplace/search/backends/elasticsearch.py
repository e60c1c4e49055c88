"""Elasticsearch search backend (chosen when ELASTICSEARCH_URL is set), written with `elasticsearch.dsl`.

The index holds one document per product that a shopper may see. Shoppers reach it through an alias
(`<prefix>-products`); a rebuild fills a fresh timestamped index and swaps the alias in one atomic call, so
searches never see a half-built index. Certificates that lapse by date drop out of results at once through a
`valid_until >= today` filter, before the expiry task has re-indexed them.

Ranking intent (shared with the PostgreSQL backend): a match in the product name beats a match in the
producer's name, which beats a match in the description; typing a word prefix ("ca ph") already finds
"Cà phê" through edge n-grams; diacritics are optional ("ca phe" finds "cà phê") while an exact match with
diacritics scores higher, because `asciifolding` keeps the original token beside the folded one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
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
from elasticsearch.helpers import bulk

from marketplace.search.backends.base import SearchBackend, SearchQuery, SearchResult

# --- Analysis -------------------------------------------------------------------------------------
# Vietnamese is written with spaces between syllables, so the standard tokenizer splits it well; what it
# needs is diacritic-insensitive matching (asciifolding also maps đ → d) that still prefers exact spelling.
vi_folding = token_filter("vi_folding", "asciifolding", preserve_original=True)
vi_edge_ngram = token_filter("vi_edge_ngram", "edge_ngram", min_gram=1, max_gram=20)
vi_text = analyzer("vi_text", tokenizer="standard", filter=["lowercase", vi_folding])
# Index-time only: every prefix of every syllable, for as-you-type. Queries use vi_text, so "ca ph"
# matches the stored prefixes "ca" and "ph" and not every word sharing one letter.
vi_prefix = analyzer("vi_prefix", tokenizer="standard", filter=["lowercase", vi_folding, vi_edge_ngram])

NAME_BOOST = 6.0
NAME_PREFIX_BOOST = 3.0
PRODUCER_BOOST = 2.0
PRODUCER_PREFIX_BOOST = 1.0
ALL_FIELDS_BOOST = 1.0

# Storefront price filter buckets (VND), keyed like the facet values the PostgreSQL backend returns.
PRICE_RANGES: tuple[tuple[str, int | None, int | None], ...] = (
    ("0-100000", None, 100_000),
    ("100000-200000", 100_000, 200_000),
    ("200000-500000", 200_000, 500_000),
    ("500000-", 500_000, None),
)
FACET_KEYS = ("stars", "province", "category", "producer_kind", "price", "in_stock")


class ProductDocument(Document):
    product_id = Integer()
    name = Text(
        analyzer=vi_text,
        fields={"prefix": Text(analyzer=vi_prefix, search_analyzer=vi_text), "sort": Keyword()},
    )
    producer_name = Text(
        analyzer=vi_text, fields={"prefix": Text(analyzer=vi_prefix, search_analyzer=vi_text)}
    )
    description = Text(analyzer=vi_text)
    producer_id = Integer()
    producer_kind = Keyword()
    province = Keyword()
    category_id = Integer()
    # The product's category and its ancestors, so filtering by an OCOP group includes its sub-categories.
    category_ids = Integer(multi=True)
    stars = Integer()
    valid_until = Date()
    price = Long()  # the cheapest variant, what the card shows
    in_stock = Boolean()
    created_at = Date()


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


def _category_chains() -> dict[int, list[int]]:
    from marketplace.catalog.models import Category

    parents = dict(Category.objects.values_list("id", "parent_id"))
    chains: dict[int, list[int]] = {}
    for category_id in parents:
        chain, current = [], category_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        chains[category_id] = chain
    return chains


def product_documents(product_ids: Iterable[int] | None = None, *, batch_size: int = 500) -> Iterator[dict]:
    """Index bodies of the visible products among `product_ids` (all visible products when None), read in
    batches through the visibility selector: a constant number of queries per batch."""
    from marketplace.catalog.selectors import (
        product_active_certification,
        products_visible_to_shoppers,
        with_shopper_relations,
    )

    chains = _category_chains()
    visible = products_visible_to_shoppers()
    if product_ids is not None:
        visible = visible.filter(pk__in=list(product_ids))
    ids = list(visible.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        products = with_shopper_relations(visible.model.objects.filter(pk__in=chunk)).order_by("pk")
        for product in products:
            certification = product_active_certification(product)
            variants = list(product.variants.all())
            prices = [variant.price_amount for variant in variants]
            in_stock = any(
                getattr(variant, "stock", None) is not None and variant.stock.quantity_available > 0
                for variant in variants
            )
            yield {
                "product_id": product.pk,
                "name": product.name,
                "producer_name": product.producer.name,
                "description": strip_tags(product.description),
                "producer_id": product.producer_id,
                "producer_kind": product.producer.kind,
                "province": product.producer.province,
                "category_id": product.category_id,
                "category_ids": chains.get(product.category_id, [product.category_id]),
                "stars": certification.stars if certification else None,
                "valid_until": certification.valid_until.isoformat() if certification else None,
                "price": min(prices) if prices else None,
                "in_stock": in_stock,
                "created_at": product.created_at.isoformat(),
            }


# --- Queries --------------------------------------------------------------------------------------


def text_query(text: str) -> Q:
    """Name matches first, then producer, then anything across name, producer and description."""
    return Q(
        "bool",
        should=[
            Q("match", name={"query": text, "operator": "and", "boost": NAME_BOOST}),
            Q("match", **{"name.prefix": {"query": text, "operator": "and", "boost": NAME_PREFIX_BOOST}}),
            Q("match", producer_name={"query": text, "operator": "and", "boost": PRODUCER_BOOST}),
            Q(
                "match",
                **{
                    "producer_name.prefix": {"query": text, "operator": "and", "boost": PRODUCER_PREFIX_BOOST}
                },
            ),
            Q(
                "multi_match",
                query=text,
                fields=["name", "producer_name", "description"],
                type="cross_fields",
                operator="and",
                boost=ALL_FIELDS_BOOST,
            ),
        ],
        minimum_should_match=1,
    )


def filter_clauses(query: SearchQuery, *, today: datetime.date) -> list[Q]:
    f = query.filters
    clauses = [Q("range", valid_until={"gte": today.isoformat()})]
    if f.stars:
        clauses.append(Q("terms", stars=sorted(f.stars)))
    if f.provinces:
        clauses.append(Q("terms", province=sorted(f.provinces)))
    if f.category_ids:
        clauses.append(Q("terms", category_ids=sorted(f.category_ids)))
    if f.producer_ids:
        clauses.append(Q("terms", producer_id=sorted(f.producer_ids)))
    if f.producer_kinds:
        clauses.append(Q("terms", producer_kind=sorted(f.producer_kinds)))
    if f.price_min is not None or f.price_max is not None:
        bounds = {}
        if f.price_min is not None:
            bounds["gte"] = f.price_min
        if f.price_max is not None:
            bounds["lte"] = f.price_max
        clauses.append(Q("range", price=bounds))
    if f.in_stock:
        clauses.append(Q("term", in_stock=True))
    return clauses


SORTS: dict[str, list] = {
    "relevance": ["_score", {"stars": {"order": "desc"}}, {"name.sort": {"order": "asc"}}, "product_id"],
    "price": [{"price": {"order": "asc"}}, "product_id"],
    "-price": [{"price": {"order": "desc"}}, "product_id"],
    "newest": [{"created_at": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
    "stars": [{"stars": {"order": "desc"}}, "_score", {"name.sort": {"order": "asc"}}, "product_id"],
}


def add_facets(search: Search) -> Search:
    search.aggs.bucket("stars", "terms", field="stars", size=3)
    search.aggs.bucket("province", "terms", field="province", size=40)
    search.aggs.bucket("category", "terms", field="category_ids", size=100)
    search.aggs.bucket("producer_kind", "terms", field="producer_kind", size=10)
    ranges = []
    for key, low, high in PRICE_RANGES:
        bucket = {"key": key}
        if low is not None:
            bucket["from"] = low
        if high is not None:
            bucket["to"] = high
        ranges.append(bucket)
    search.aggs.bucket("price", "range", field="price", ranges=ranges)
    search.aggs.bucket("in_stock", "filter", Q("term", in_stock=True))
    return search


def build_search(
    query: SearchQuery, *, index: str, using: Elasticsearch | str = "default", today: datetime.date
) -> Search:
    search = Search(using=using, index=index)
    text = (query.text or "").strip()
    search = search.query(
        Q("bool", must=[text_query(text)] if text else [], filter=filter_clauses(query, today=today))
    )
    sort = SORTS.get(query.sort, SORTS["relevance"])
    search = search.sort(*sort).source(False).extra(track_total_hits=True)
    search = add_facets(search)
    return search[query.offset : query.offset + query.limit]


def facets_from_response(aggregations) -> dict[str, dict]:
    return {
        "stars": {int(b["key"]): b["doc_count"] for b in aggregations["stars"]["buckets"]},
        "province": {b["key"]: b["doc_count"] for b in aggregations["province"]["buckets"]},
        "category": {int(b["key"]): b["doc_count"] for b in aggregations["category"]["buckets"]},
        "producer_kind": {b["key"]: b["doc_count"] for b in aggregations["producer_kind"]["buckets"]},
        "price": {b["key"]: b["doc_count"] for b in aggregations["price"]["buckets"]},
        "in_stock": {True: aggregations["in_stock"]["doc_count"]},
    }


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
        search = build_search(query, index=self.alias, using=self.client, today=today or timezone.localdate())
        response = search.execute().to_dict()
        hits = response["hits"]
        return SearchResult(
            product_ids=[int(hit["_id"]) for hit in hits["hits"]],
            total=hits["total"]["value"],
            facets=facets_from_response(response["aggregations"]),
        )

    def ping(self) -> bool:
        return bool(self.client.ping())

    # Writes
    def new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def ensure_index(self) -> str:
        """Create the first index behind the alias if there is none yet; returns the alias."""
        if not self.client.indices.exists_alias(name=self.alias):
            name = self.new_index_name()
            product_index(name).create(using=self.client)
            self.client.indices.put_alias(index=name, name=self.alias)
        return self.alias

    def _actions(self, index: str, product_ids: Iterable[int] | None) -> Iterator[dict]:
        for body in product_documents(product_ids):
            yield {"_op_type": "index", "_index": index, "_id": body["product_id"], "_source": body}

    def index_products(self, product_ids: list[int]) -> None:
        """Upsert the visible ones, delete the rest (hidden, unpublished, decertified, deleted)."""
        if not product_ids:
            return
        index = self.ensure_index()
        indexed: set[int] = set()

        def actions() -> Iterator[dict]:
            for action in self._actions(index, product_ids):
                indexed.add(action["_id"])
                yield action
            for product_id in sorted(set(product_ids) - indexed):
                yield {"_op_type": "delete", "_index": index, "_id": product_id}

        # A delete of a document that was never indexed answers 404: expected, not an error.
        bulk(self.client, actions(), raise_on_error=False, raise_on_exception=True, refresh=False)

    def rebuild(self) -> int:
        """Fill a new index, then point the alias at it and drop the old ones in one atomic swap."""
        name = self.new_index_name()
        product_index(name).create(using=self.client)
        count, _errors = bulk(self.client, self._actions(name, None), refresh="wait_for")
        try:
            old = list(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            old = []
        # An index (not an alias) squatting the alias name is removed in the same atomic call.
        squatter = not old and self.client.indices.exists(index=self.alias)
        swap = [{"remove": {"index": old_name, "alias": self.alias}} for old_name in old]
        if squatter:
            swap.append({"remove_index": {"index": self.alias}})
        swap.append({"add": {"index": name, "alias": self.alias}})
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
