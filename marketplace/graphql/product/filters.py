"""ProductFilterInput: Saleor's product filter plus the OCOP additions (ocopStars, provinces, producers)."""

import graphene
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from marketplace.catalog.models import Category, ProductVariant, Stock, stock_available
from marketplace.catalog.selectors import active_certifications
from marketplace.core.provinces import BY_CODE
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_ids

MAX_FILTER_VALUES = 100
# Search results beyond the best thousand are not worth paging through.
MAX_SEARCH_HITS = 1000


class PriceRangeInput(graphene.InputObjectType):
    gte = graphene.Float(description="Price greater than or equal to.")
    lte = graphene.Float(description="Price less than or equal to.")


class StockAvailability(graphene.Enum):
    IN_STOCK = "IN_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"


class ProductFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Full-text search in names, descriptions and producers.")
    categories = graphene.List(
        graphene.NonNull(graphene.ID), description="Category IDs (with subcategories)."
    )
    collections = graphene.List(graphene.NonNull(graphene.ID))
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slugs = graphene.List(graphene.NonNull(graphene.String))
    price = graphene.Field(PriceRangeInput, description="Some variant priced in this range (VND).")
    minimal_price = graphene.Field(
        PriceRangeInput, description="Cheapest variant priced in this range (VND)."
    )
    stock_availability = graphene.Argument(StockAvailability)
    ocop_stars = graphene.List(
        graphene.NonNull(graphene.Int), description="OCOP stars of the active certificate."
    )
    provinces = graphene.List(
        graphene.NonNull(graphene.String), description="Producer's province codes, e.g. son-la."
    )
    producers = graphene.List(graphene.NonNull(graphene.ID), description="Producer IDs.")


def bounded(name: str, values) -> list:
    values = list(values or [])
    if len(values) > MAX_FILTER_VALUES:
        raise BadRequest(f"Filter `{name}` accepts at most {MAX_FILTER_VALUES} values.")
    return values


def _price_q(prefix: str, price) -> Q:
    condition = Q()
    if price is None:
        return condition
    if price.get("gte") is not None:
        condition &= Q(**{f"{prefix}__gte": price["gte"]})
    if price.get("lte") is not None:
        condition &= Q(**{f"{prefix}__lte": price["lte"]})
    return condition


def search_products(queryset: QuerySet, text: str) -> QuerySet:
    """Products matching the text, through the storefront's search (PostgreSQL or Elasticsearch), annotated
    with their rank position (`_search_position`, 1 = best) for RANK sorting. The top hits are then filtered,
    sorted and paginated like any other product list, always within the visible queryset."""
    from marketplace.search.backends.base import SearchQuery
    from marketplace.search.selectors import search_products as search

    ids = search(SearchQuery(text=text, sort="relevance", offset=0, limit=MAX_SEARCH_HITS)).product_ids
    position = RawSQL("array_position(%s::bigint[], catalog_product.id)", (list(ids),))
    return queryset.filter(pk__in=ids).annotate(_search_position=position)


def filter_products(queryset: QuerySet, data, *, search: str | None = None) -> tuple[QuerySet, bool]:
    """Returns the filtered queryset and whether a search text ranks it."""
    text = (data.get("search") or search or "").strip()
    if text:
        queryset = search_products(queryset, text[:200])
    categories = decode_ids(bounded("categories", data.get("categories")), "Category")
    if data.get("categories") is not None:
        tree = Category.objects.filter(
            Q(pk__in=categories) | Q(parent__in=categories) | Q(parent__parent__in=categories)
        )
        queryset = queryset.filter(category__in=tree)
    if data.get("collections") is not None:
        collections = decode_ids(bounded("collections", data["collections"]), "Collection")
        queryset = queryset.filter(pk__in=_collection_products(collections))
    if data.get("ids") is not None:
        queryset = queryset.filter(pk__in=decode_ids(bounded("ids", data["ids"]), "Product"))
    if data.get("slugs") is not None:
        queryset = queryset.filter(slug__in=bounded("slugs", data["slugs"]))
    if data.get("price") is not None:
        in_range = ProductVariant.objects.filter(
            Q(product=OuterRef("pk")) & _price_q("price_amount", data["price"])
        )
        queryset = queryset.filter(Exists(in_range))
    if data.get("minimal_price") is not None:
        queryset = queryset.annotate(_minimal_price=Min("variants__price_amount")).filter(
            _price_q("_minimal_price", data["minimal_price"])
        )
    availability = data.get("stock_availability")
    if availability is not None:
        in_stock = Stock.objects.filter(stock_available(), variant__product=OuterRef("pk"))
        queryset = queryset.filter(
            Exists(in_stock) if availability == StockAvailability.IN_STOCK else ~Exists(in_stock)
        )
    if data.get("ocop_stars") is not None:
        stars = bounded("ocopStars", data["ocop_stars"])
        rated = active_certifications().filter(product=OuterRef("pk"), stars__in=stars)
        queryset = queryset.filter(Exists(rated))
    if data.get("provinces") is not None:
        provinces = bounded("provinces", data["provinces"])
        unknown = sorted(set(provinces) - set(BY_CODE))
        if unknown:
            raise BadRequest(f"Unknown province code(s): {', '.join(unknown[:5])}.")
        queryset = queryset.filter(producer__province__in=provinces)
    if data.get("producers") is not None:
        queryset = queryset.filter(
            producer_id__in=decode_ids(bounded("producers", data["producers"]), "Producer")
        )
    return queryset, bool(text)


def _collection_products(collection_ids: list[int]):
    from marketplace.catalog.models import CollectionProduct

    return CollectionProduct.objects.filter(collection_id__in=collection_ids).values("product_id")
