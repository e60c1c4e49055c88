"""Saleor's `where:` filters for products and variants, translated to ORM conditions. They only ever narrow
the shopper-visible queryset they are applied to, so no filter can reveal a hidden product."""

from decimal import Decimal

import graphene
from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from marketplace.catalog.attributes import (
    MAX_ATTRIBUTE_FILTERS,
    AttributeCondition,
    AttributeFilterError,
    attribute_condition,
    product_type_condition,
)
from marketplace.catalog.models import Category, CollectionProduct, ProductVariant, Stock, stock_available
from marketplace.graphql.attribute.dataloaders import catalog_for
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_ids
from marketplace.graphql.product.filters import StockAvailability, bounded

# AND/OR nest at most this deep; each level at most MAX_FILTER_VALUES items.
MAX_WHERE_DEPTH = 3


class StringFilterInput(graphene.InputObjectType):
    eq = graphene.String()
    one_of = graphene.List(graphene.NonNull(graphene.String))


class GlobalIDFilterInput(graphene.InputObjectType):
    eq = graphene.ID()
    one_of = graphene.List(graphene.NonNull(graphene.ID))


class DecimalRangeInput(graphene.InputObjectType):
    gte = graphene.Decimal()
    lte = graphene.Decimal()


class DecimalFilterInput(graphene.InputObjectType):
    eq = graphene.Decimal()
    one_of = graphene.List(graphene.NonNull(graphene.Decimal))
    range = graphene.Field(DecimalRangeInput)


class IntRangeInput(graphene.InputObjectType):
    gte = graphene.Int()
    lte = graphene.Int()


class DateRangeInput(graphene.InputObjectType):
    gte = graphene.Date()
    lte = graphene.Date()


class DateTimeRangeInput(graphene.InputObjectType):
    gte = graphene.DateTime()
    lte = graphene.DateTime()


class AssignedAttributeValueInput(graphene.InputObjectType):
    slug = graphene.Field(StringFilterInput)
    name = graphene.Field(StringFilterInput)
    numeric = graphene.Field(DecimalFilterInput)
    date = graphene.Field(DateRangeInput, description="No OCOP attribute holds a date: matches nothing.")
    date_time = graphene.Field(
        DateTimeRangeInput, description="No OCOP attribute holds a date: matches nothing."
    )
    boolean = graphene.Boolean(description="No OCOP attribute is a yes/no flag: matches nothing.")


class AttributeInput(graphene.InputObjectType):
    slug = graphene.String()
    value = graphene.Field(AssignedAttributeValueInput)
    values = graphene.List(
        graphene.NonNull(graphene.String), description="Value slugs (deprecated in Saleor)."
    )
    values_range = graphene.Field(IntRangeInput)
    date_time = graphene.Field(DateTimeRangeInput)
    date = graphene.Field(DateRangeInput)
    boolean = graphene.Boolean()


class ProductStockFilterInput(graphene.InputObjectType):
    warehouse_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="Ignored: one stock per variant."
    )
    quantity = graphene.Field(IntRangeInput)


class ProductWhereInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    name = graphene.Field(StringFilterInput)
    slug = graphene.Field(StringFilterInput)
    product_type = graphene.Field(GlobalIDFilterInput)
    category = graphene.Field(GlobalIDFilterInput, description="Categories (with their subcategories).")
    collection = graphene.Field(GlobalIDFilterInput)
    is_available = graphene.Boolean()
    is_published = graphene.Boolean(description="Every listed product is published.")
    is_visible_in_listing = graphene.Boolean(description="Every listed product is visible.")
    has_category = graphene.Boolean()
    price = graphene.Field(DecimalFilterInput, description="Some variant priced so (VND).")
    minimal_price = graphene.Field(DecimalFilterInput, description="The cheapest variant priced so (VND).")
    attributes = graphene.List(
        graphene.NonNull(AttributeInput),
        description="By attribute slug: ocop-stars, province, producer-kind, origin, weight, volume.",
    )
    stock_availability = graphene.Argument(StockAvailability)
    stocks = graphene.Field(ProductStockFilterInput)
    gift_card = graphene.Boolean(description="No gift cards are sold.")
    AND = graphene.List(graphene.NonNull(lambda: ProductWhereInput))
    OR = graphene.List(graphene.NonNull(lambda: ProductWhereInput))


def strings(name: str, data) -> list[str] | None:
    """eq/oneOf as one list (None: not filtered)."""
    if data is None:
        return None
    if data.get("eq") is not None and data.get("one_of") is not None:
        raise BadRequest(f"Filter `{name}` takes only one of `eq` and `oneOf`.")
    if data.get("eq") is not None:
        return [data["eq"]]
    if data.get("one_of") is not None:
        return [str(value)[:255] for value in bounded(name, data["one_of"])]
    return None


def _ids(name: str, data, type_name: str) -> list[int] | None:
    values = strings(name, data)
    return None if values is None else decode_ids(values, type_name)


def _decimal_q(column: str, data) -> Q:
    condition = Q()
    if data is None:
        return condition
    if data.get("eq") is not None:
        condition &= Q(**{column: data["eq"]})
    if data.get("one_of") is not None:
        condition &= Q(**{f"{column}__in": bounded("oneOf", data["one_of"])})
    bounds = data.get("range") or {}
    if bounds.get("gte") is not None:
        condition &= Q(**{f"{column}__gte": bounds["gte"]})
    if bounds.get("lte") is not None:
        condition &= Q(**{f"{column}__lte": bounds["lte"]})
    return condition


def _attribute_condition(info, item) -> Q:
    slug = (item.get("slug") or "").strip()
    if not slug:
        raise BadRequest("An attribute filter needs the attribute's `slug`.")
    value = item.get("value") or {}
    if value.get("boolean") is not None or value.get("date") or value.get("date_time"):
        return Q(pk__in=[])
    if item.get("boolean") is not None or item.get("date") or item.get("date_time"):
        return Q(pk__in=[])
    numeric = value.get("numeric") or {}
    numbers = None
    if numeric.get("eq") is not None:
        numbers = [numeric["eq"]]
    elif numeric.get("one_of") is not None:
        numbers = list(numeric["one_of"])
    numeric_range = numeric.get("range") or {}
    legacy_range = item.get("values_range") or {}
    gte = numeric_range.get("gte", legacy_range.get("gte"))
    lte = numeric_range.get("lte", legacy_range.get("lte"))
    choices = strings("value.slug", value.get("slug"))
    if item.get("values") is not None:
        choices = (choices or []) + [str(v)[:100] for v in bounded("values", item["values"])]
    condition = AttributeCondition(
        slug=slug[:100],
        choices=choices,
        names=strings("value.name", value.get("name")),
        numbers=numbers,
        gte=Decimal(gte) if gte is not None else None,
        lte=Decimal(lte) if lte is not None else None,
    )
    try:
        return attribute_condition(catalog_for(info), condition)
    except AttributeFilterError as exc:
        raise BadRequest(str(exc)) from exc


def where_condition(info, data, depth: int = 1) -> Q:
    """One ProductWhereInput as a Q over Product. Conditions of one input combine with AND."""
    if depth > MAX_WHERE_DEPTH:
        raise BadRequest(f"`where` nests AND/OR at most {MAX_WHERE_DEPTH} deep.")
    condition = Q()
    if data.get("ids") is not None:
        condition &= Q(pk__in=decode_ids(bounded("ids", data["ids"]), "Product"))
    names = strings("name", data.get("name"))
    if names is not None:
        condition &= Q(name__in=names)
    slugs = strings("slug", data.get("slug"))
    if slugs is not None:
        condition &= Q(slug__in=slugs)
    product_types = _ids("productType", data.get("product_type"), "ProductType")
    if product_types is not None:
        condition &= product_type_condition(catalog_for(info), product_types)
    categories = _ids("category", data.get("category"), "Category")
    if categories is not None:
        tree = Category.objects.filter(
            Q(pk__in=categories) | Q(parent__in=categories) | Q(parent__parent__in=categories)
        )
        condition &= Q(category__in=tree)
    collections = _ids("collection", data.get("collection"), "Collection")
    if collections is not None:
        entries = CollectionProduct.objects.filter(collection_id__in=collections).values("product_id")
        condition &= Q(pk__in=entries)
    in_stock = Q(Exists(Stock.objects.filter(stock_available(), variant__product=OuterRef("pk"))))
    if data.get("is_available") is not None:
        condition &= in_stock if data["is_available"] else ~in_stock
    availability = data.get("stock_availability")
    if availability is not None:
        wanted = getattr(availability, "value", availability) == "IN_STOCK"
        condition &= in_stock if wanted else ~in_stock
    for flag in ("is_published", "is_visible_in_listing", "has_category"):
        if data.get(flag) is False:  # every product a shopper sees is published, listed, categorised
            condition &= Q(pk__in=[])
    if data.get("gift_card") is True:
        condition &= Q(pk__in=[])
    if data.get("price") is not None:
        priced = ProductVariant.objects.filter(
            Q(product=OuterRef("pk")) & _decimal_q("price_amount", data["price"])
        )
        condition &= Q(Exists(priced))
    if data.get("minimal_price") is not None:
        cheapest = (
            ProductVariant.objects.filter(product=OuterRef("pk"))
            .values("product")
            .annotate(low=Min("price_amount"))
            .filter(_decimal_q("low", data["minimal_price"]))
        )
        condition &= Q(Exists(cheapest))
    stocks = (data.get("stocks") or {}).get("quantity")
    if stocks:
        held = Stock.objects.filter(variant__product=OuterRef("pk"))
        if stocks.get("gte") is not None:
            held = held.filter(quantity__gte=stocks["gte"])
        if stocks.get("lte") is not None:
            held = held.filter(quantity__lte=stocks["lte"])
        condition &= Q(Exists(held))
    attributes = data.get("attributes")
    if attributes is not None:
        if len(attributes) > MAX_ATTRIBUTE_FILTERS:
            raise BadRequest(f"`attributes` accepts at most {MAX_ATTRIBUTE_FILTERS} filters.")
        for item in attributes:
            condition &= _attribute_condition(info, item)
    if data.get("AND") is not None:
        for part in bounded("AND", data["AND"]):
            condition &= where_condition(info, part, depth + 1)
    if data.get("OR") is not None:
        either = Q(pk__in=[])
        for part in bounded("OR", data["OR"]):
            either |= where_condition(info, part, depth + 1)
        condition &= either
    return condition


def filter_where(info, queryset: QuerySet, data) -> QuerySet:
    if not data:
        return queryset
    return queryset.filter(where_condition(info, data))


class ProductVariantFilterInput(graphene.InputObjectType):
    search = graphene.String()
    sku = graphene.List(graphene.NonNull(graphene.String))


class ProductVariantWhereInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    sku = graphene.Field(StringFilterInput)
    stock_availability = graphene.Argument(StockAvailability)
    AND = graphene.List(graphene.NonNull(lambda: ProductVariantWhereInput))
    OR = graphene.List(graphene.NonNull(lambda: ProductVariantWhereInput))


class ProductVariantSortField(graphene.Enum):
    LAST_MODIFIED_AT = "created_at"


def variant_condition(data, *, search: str | None = None, filter=None, depth: int = 1) -> Q:
    """ProductVariantWhereInput (and the older filter/search) as a Q over ProductVariant."""
    if depth > MAX_WHERE_DEPTH:
        raise BadRequest(f"`where` nests AND/OR at most {MAX_WHERE_DEPTH} deep.")
    data = data or {}
    condition = Q()
    if data.get("ids") is not None:
        condition &= Q(pk__in=decode_ids(bounded("ids", data["ids"]), "ProductVariant"))
    skus = strings("sku", data.get("sku"))
    if skus is not None:
        condition &= Q(sku__in=skus)
    availability = data.get("stock_availability")
    if availability is not None:
        in_stock = Q(Exists(Stock.objects.filter(stock_available(), variant=OuterRef("pk"))))
        wanted = getattr(availability, "value", availability) == "IN_STOCK"
        condition &= in_stock if wanted else ~in_stock
    filter = filter or {}
    if filter.get("sku") is not None:
        condition &= Q(sku__in=[str(sku)[:64] for sku in bounded("sku", filter["sku"])])
    text = (search or filter.get("search") or "").strip()[:200]
    if text:
        condition &= Q(name__icontains=text) | Q(sku__icontains=text) | Q(product__name__icontains=text)
    if data.get("AND") is not None:
        for part in bounded("AND", data["AND"]):
            condition &= variant_condition(part, depth=depth + 1)
    if data.get("OR") is not None:
        either = Q(pk__in=[])
        for part in bounded("OR", data["OR"]):
            either |= variant_condition(part, depth=depth + 1)
        condition &= either
    return condition
