"""Listing pages (all products, a category, search): read the filters from the URL, ask the search selector
for one page of ids with facet counts, and shape the facets for the template. Filters live in the query
string, so every page, sort and filter combination is a plain, shareable URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import overload
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Category
from marketplace.catalog.selectors import categories_with_parents
from marketplace.core import provinces
from marketplace.producers.models import ProducerKind
from marketplace.search.backends.base import SearchFilters, SearchQuery, SearchResult
from marketplace.search.selectors import search_products, visible_product_cards_in_order
from storefront.localize import shopper_language

PER_PAGE = 24
MAX_PER_PAGE = 60
MAX_PAGE = 400
SORT_CHOICES = [
    ("relevance", _("Phù hợp nhất")),
    ("newest", _("Mới nhất")),
    ("price", _("Giá tăng dần")),
    ("-price", _("Giá giảm dần")),
    ("stars", _("Nhiều sao nhất")),
    ("rating", _("Đánh giá cao nhất")),
]
FILTER_KEYS = (
    "q",
    "stars",
    "province",
    "group",
    "kind",
    "price_min",
    "price_max",
    "in_stock",
    "sort",
    "per_page",
)


@overload
def _int(value: str | None, default: int, *, low: int = 0, high: int = 10**12) -> int: ...
@overload
def _int(value: str | None, default: None = None, *, low: int = 0, high: int = 10**12) -> int | None: ...
def _int(value: str | None, default: int | None = None, *, low: int = 0, high: int = 10**12) -> int | None:
    try:
        number = int(str(value).replace(".", "").strip())
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Listing:
    query: SearchQuery
    result: SearchResult
    products: list
    page: int
    per_page: int
    params: QueryDict
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max((self.result.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_filters(self) -> bool:
        return any(self.params.getlist(key) for key in FILTER_KEYS if key not in ("q", "sort", "per_page"))

    def url_for_page(self, page: int) -> str:
        pairs = [(key, value) for key in FILTER_KEYS for value in self.params.getlist(key) if value != ""]
        if page > 1:
            pairs.append(("page", str(page)))
        return "?" + urlencode(pairs) if pairs else "?"

    @property
    def page_links(self) -> list[dict]:
        first, last = max(self.page - 2, 1), min(self.page + 2, self.pages)
        return [
            {"number": n, "url": self.url_for_page(n), "current": n == self.page}
            for n in range(first, last + 1)
        ]

    @property
    def previous_url(self) -> str | None:
        return self.url_for_page(self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_for_page(self.page + 1) if self.page < self.pages else None


def _descendants(categories: list[Category], root_ids: set[int]) -> set[int]:
    ids = set(root_ids)
    changed = True
    while changed:
        changed = False
        for cat in categories:
            if cat.parent_id in ids and cat.pk not in ids:
                ids.add(cat.pk)
                changed = True
    return ids


def build_listing(
    params: QueryDict,
    *,
    scope_category: Category | None = None,
    categories: list[Category] | None = None,
    default_sort: str = "newest",
):
    """Parse the URL, run one search and load the page's product cards (constant queries: categories unless
    given, search, cards)."""
    language = shopper_language()
    if categories is None:
        categories = categories_with_parents(language_code=language)
    by_slug = {cat.slug: cat for cat in categories}
    text = params.get("q", "").strip()
    stars = tuple(sorted({n for n in (_int(v) for v in params.getlist("stars")) if n in (3, 4, 5)}))
    province_codes = tuple(code for code in params.getlist("province") if code in provinces.BY_CODE)
    kinds = tuple(kind for kind in params.getlist("kind") if kind in ProducerKind.values)
    group_slugs = [slug for slug in params.getlist("group") if slug in by_slug]
    category_ids: set[int] = set()
    if scope_category is not None:
        category_ids = _descendants(categories, {scope_category.pk})
    if group_slugs:
        chosen = _descendants(categories, {by_slug[slug].pk for slug in group_slugs})
        category_ids = category_ids & chosen if category_ids else chosen
        category_ids = category_ids or {0}  # a group outside this page's scope: nothing
    sort = params.get("sort") or ("relevance" if text else default_sort)
    if sort not in dict(SORT_CHOICES):
        sort = default_sort
    per_page = _int(params.get("per_page"), PER_PAGE, low=1, high=MAX_PER_PAGE)
    page = _int(params.get("page"), 1, low=1, high=MAX_PAGE)
    filters = SearchFilters(
        stars=stars,
        provinces=province_codes,
        category_ids=tuple(sorted(category_ids)),
        producer_kinds=kinds,
        price_min=_int(params.get("price_min")),
        price_max=_int(params.get("price_max")),
        in_stock=params.get("in_stock") in ("1", "on", "true"),
    )
    query = SearchQuery(text=text, filters=filters, sort=sort, offset=(page - 1) * per_page, limit=per_page)
    result = search_products(query)
    listing = Listing(
        query=query,
        result=result,
        products=visible_product_cards_in_order(result.product_ids, language_code=language),
        page=page,
        per_page=per_page,
        params=params,
    )
    listing.facets = _facets(result, categories, scope_category, stars, province_codes, kinds, group_slugs)
    return listing


def _facets(result, categories, scope_category, stars, province_codes, kinds, group_slugs):
    counts = result.facets
    star_counts = counts.get("stars", {})
    facets = {
        "stars": [
            FacetValue(str(n), str(_("OCOP %(n)s sao") % {"n": n}), star_counts.get(n, 0), n in stars)
            for n in (5, 4, 3)
        ],
        "kind": [
            FacetValue(value, str(label), counts.get("kind", {}).get(value, 0), value in kinds)
            for value, label in ProducerKind.choices
        ],
    }
    province_counts = counts.get("province", {})
    facets["province"] = sorted(
        (
            FacetValue(p.code, p.name, province_counts.get(p.code, 0), p.code in province_codes)
            for p in provinces.PROVINCES
            if province_counts.get(p.code) or p.code in province_codes
        ),
        key=lambda f: (-f.count, f.label),
    )
    # Product groups: the roots (or the children of the category a page is scoped to), counting descendants.
    category_counts = counts.get("category", {})
    parent_id = scope_category.pk if scope_category else None
    groups = []
    for cat in categories:
        if cat.parent_id != parent_id:
            continue
        total = sum(category_counts.get(cid, 0) for cid in _descendants(categories, {cat.pk}))
        if total or cat.slug in group_slugs:
            groups.append(FacetValue(cat.slug, cat.display_name, total, cat.slug in group_slugs))
    facets["group"] = groups
    facets["in_stock"] = counts.get("in_stock", {}).get("true", 0)
    return facets
