import graphene
from django.db.models import Q

from marketplace.catalog import models
from marketplace.graphql.attribute.types import (
    Attribute,
    AttributeCountableConnection,
    ProductType,
    ProductTypeCountableConnection,
)
from marketplace.graphql.core.connection import connection_field, paginate
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_id, decode_ids
from marketplace.graphql.core.types import OrderDirection
from marketplace.graphql.product.filters import bounded
from marketplace.graphql.product.where import StringFilterInput


class AttributeFilterInput(graphene.InputObjectType):
    search = graphene.String()
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slugs = graphene.List(graphene.NonNull(graphene.String))


class AttributeWhereInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    name = graphene.Field(StringFilterInput)
    slug = graphene.Field(StringFilterInput)


class AttributeSortField(graphene.Enum):
    NAME = "name"
    SLUG = "slug"
    STOREFRONT_SEARCH_POSITION = "sort_order"


class AttributeSortingInput(graphene.InputObjectType):
    direction = graphene.Argument(OrderDirection, required=True)
    field = graphene.Argument(AttributeSortField, required=True)


class ProductTypeFilterInput(graphene.InputObjectType):
    search = graphene.String()
    slugs = graphene.List(graphene.NonNull(graphene.String))
    ids = graphene.List(graphene.NonNull(graphene.ID))


def _text_filter(data, column: str) -> Q:
    if not data:
        return Q()
    condition = Q()
    if data.get("eq") is not None:
        condition &= Q(**{column: data["eq"]})
    if data.get("one_of") is not None:
        condition &= Q(**{f"{column}__in": bounded(column, data["one_of"])})
    return condition


def _filtered(queryset, type_name: str, filter, search):
    filter = filter or {}
    text = (search or filter.get("search") or "").strip()[:200]
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(slug__icontains=text))
    if filter.get("ids") is not None:
        queryset = queryset.filter(pk__in=decode_ids(bounded("ids", filter["ids"]), type_name))
    if filter.get("slugs") is not None:
        queryset = queryset.filter(slug__in=bounded("slugs", filter["slugs"]))
    return queryset


class AttributeQueries(graphene.ObjectType):
    attributes = connection_field(
        AttributeCountableConnection,
        filter=graphene.Argument(AttributeFilterInput),
        where=graphene.Argument(AttributeWhereInput),
        search=graphene.String(),
        sort_by=graphene.Argument(AttributeSortingInput),
        channel=graphene.String(description="Ignored: attributes are the same in the one channel."),
        description="The attributes shown in the storefront (OCOP stars, province, producer kind, …).",
    )
    attribute = graphene.Field(
        Attribute,
        id=graphene.ID(),
        slug=graphene.String(),
        external_reference=graphene.String(description="Ignored: attributes have no external reference."),
        description="Look up an attribute by ID or slug.",
    )
    product_type = graphene.Field(
        ProductType, id=graphene.ID(required=True), description="Look up a product type."
    )
    product_types = connection_field(
        ProductTypeCountableConnection,
        filter=graphene.Argument(ProductTypeFilterInput),
        description="The product types: one per OCOP product group.",
    )

    @staticmethod
    def resolve_attributes(
        root, info, filter=None, where=None, search=None, sort_by=None, channel=None, **page
    ):
        queryset = _filtered(
            models.Attribute.objects.filter(visible_in_storefront=True), "Attribute", filter, search
        )
        if where:
            if where.get("ids") is not None:
                queryset = queryset.filter(pk__in=decode_ids(bounded("ids", where["ids"]), "Attribute"))
            queryset = queryset.filter(
                _text_filter(where.get("name"), "name") & _text_filter(where.get("slug"), "slug")
            )
        order = ["sort_order", "pk"]
        if sort_by:
            column = getattr(sort_by["field"], "value", sort_by["field"])
            descending = getattr(sort_by["direction"], "value", sort_by["direction"]) == "DESC"
            order = [f"-{column}" if descending else column, "-pk" if descending else "pk"]
        return paginate(queryset.order_by(*order), info, AttributeCountableConnection, **page)

    @staticmethod
    def resolve_attribute(root, info, id=None, slug=None, external_reference=None):
        if (id is None) == (slug is None):
            raise BadRequest("Provide exactly one of the `id` or `slug` arguments.")
        queryset = models.Attribute.objects.filter(visible_in_storefront=True)
        if id is not None:
            return queryset.filter(pk=decode_id(id, "Attribute")).first()
        return queryset.filter(slug=slug).first()

    @staticmethod
    def resolve_product_type(root, info, id):
        return models.ProductType.objects.filter(pk=decode_id(id, "ProductType")).first()

    @staticmethod
    def resolve_product_types(root, info, filter=None, **page):
        queryset = _filtered(models.ProductType.objects.all(), "ProductType", filter, None)
        return paginate(
            queryset.order_by("ocop_group", "name", "pk"), info, ProductTypeCountableConnection, **page
        )
