"""The search interface. Views and the API call `marketplace.search.selectors.search_products`, which
delegates to the backend named by settings.SEARCH_BACKEND (PostgreSQL by default, Elasticsearch when
ELASTICSEARCH_URL is set). Backends only return ids in rank order plus counts; the caller loads products
through the visibility selector, so a stale index can never show an invisible product."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchFilters:
    stars: tuple[int, ...] = ()
    provinces: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    producer_ids: tuple[int, ...] = ()
    producer_kinds: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: str = "relevance"  # relevance | price | -price | newest | stars | rating
    offset: int = 0
    limit: int = 24


@dataclass
class SearchResult:
    product_ids: list[int]
    total: int
    # facet name -> {value: count}, e.g. {"stars": {4: 12, 3: 40}, "province": {"son-la": 30}}.
    # Names and keys: "stars" {int}, "province" {province code}, "category" {category id: int},
    # "kind" {ProducerKind value}, "in_stock" {"true": n}. Each facet counts the visible products matching the
    # text and every filter except its own (so a shopper can widen a choice); producer_ids always applies.
    facets: dict[str, dict] = field(default_factory=dict)
    # True when nothing matched exactly and these are near matches (typos, at most SEARCH_NEAR_MATCHES of
    # them); the page says so.
    fuzzy: bool = False
    # The query as the catalogue writes it when its words were corrected or split ("cà phê Sơn La" for
    # "caphe son lla"); the results are those of the corrected words. "" when nothing was changed.
    suggestion: str = ""


class SearchBackend:
    def search(self, query: SearchQuery) -> SearchResult:
        raise NotImplementedError

    def ping(self) -> bool:
        """Whether the backend answers (the readiness probe reports it)."""
        return True

    def index_products(self, product_ids: list[int]) -> None:
        """Bring the index in line with these products (visible ones indexed, others removed)."""

    def rebuild(self) -> int:
        """Rebuild the whole index; returns the number of products indexed."""
        return 0
