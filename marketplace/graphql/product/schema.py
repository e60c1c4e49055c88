import graphene
from django.conf import settings

from marketplace.catalog import models
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.graphql.core.connection import connection_field, paginate
from marketplace.graphql.core.errors import BadRequest
from marketplace.graphql.core.ids import decode_id, decode_ids
from marketplace.graphql.core.languages import code_of, language_code_argument
from marketplace.graphql.product import where as where_filters
from marketplace.graphql.product.dataloaders import VisibleProductByIdLoader, prime_groups, prime_products
from marketplace.graphql.product.filters import MAX_FILTER_VALUES
from marketplace.graphql.product.types import (
    Category,
    CategoryCountableConnection,
    Channel,
    Collection,
    CollectionCountableConnection,
    Product,
    ProductVariant,
    ProductVariantCountableConnection,
    ProductVariantSortingInput,
    channel_argument,
    check_channel,
    product_connection_field,
    resolve_product_connection,
)


def _one_of(id, slug) -> None:
    if (id is None) == (slug is None):
        raise BadRequest("Provide exactly one of the `id` or `slug` arguments.")


def slug_language_code_argument() -> graphene.Argument:
    return language_code_argument(
        description="Language of the slug: the record is looked up by its translated slug in that language."
    )


def by_slug(queryset, slug: str, slug_language_code):
    """Saleor's `slug` + `slugLanguageCode`: the base slug, or the translation's slug in that language."""
    code = code_of(slug_language_code)
    if code is None:
        return queryset.filter(slug=slug)
    return queryset.filter(translations__language_code=code, translations__slug=slug)


class CategoryFilterInput(graphene.InputObjectType):
    search = graphene.String()
    slugs = graphene.List(graphene.NonNull(graphene.String))


class ProductQueries(graphene.ObjectType):
    product = graphene.Field(
        Product,
        id=graphene.ID(description="ID of the product."),
        slug=graphene.String(description="Slug of the product."),
        slug_language_code=slug_language_code_argument(),
        channel=channel_argument(),
        description="Look up a product by ID or slug (only products visible to shoppers).",
    )
    products = product_connection_field(
        search=graphene.String(description="Search products."),
        description="List of the shop's products (only those visible to shoppers).",
    )
    category = graphene.Field(
        Category,
        id=graphene.ID(),
        slug=graphene.String(),
        slug_language_code=slug_language_code_argument(),
        description="Look up a category by ID or slug.",
    )
    categories = connection_field(
        CategoryCountableConnection,
        filter=graphene.Argument(CategoryFilterInput),
        level=graphene.Int(description="Filter categories by the nesting level in the category tree."),
        description="List of the shop's categories.",
    )
    collection = graphene.Field(
        Collection,
        id=graphene.ID(),
        slug=graphene.String(),
        slug_language_code=slug_language_code_argument(),
        channel=channel_argument(),
        description="Look up a collection by ID or slug.",
    )
    collections = connection_field(
        CollectionCountableConnection,
        channel=channel_argument(),
        description="List of the shop's collections.",
    )
    product_variant = graphene.Field(
        ProductVariant,
        id=graphene.ID(),
        sku=graphene.String(),
        external_reference=graphene.String(description="Not supported: always null."),
        channel=channel_argument(),
        description="Look up a variant by ID or SKU (only variants of products visible to shoppers).",
    )
    product_variants = connection_field(
        ProductVariantCountableConnection,
        ids=graphene.List(graphene.NonNull(graphene.ID)),
        channel=channel_argument(),
        filter=graphene.Argument(where_filters.ProductVariantFilterInput),
        where=graphene.Argument(where_filters.ProductVariantWhereInput),
        search=graphene.String(),
        sort_by=graphene.Argument(ProductVariantSortingInput),
        description="Variants of the products visible to shoppers.",
    )
    channel = graphene.Field(
        Channel, id=graphene.ID(), slug=graphene.String(), description="Look up a channel."
    )
    channels = graphene.List(graphene.NonNull(Channel), description="List of all channels.")

    @staticmethod
    def resolve_product(root, info, id=None, slug=None, channel=None, slug_language_code=None):
        _one_of(id, slug)
        check_channel(channel)
        queryset = products_visible_to_shoppers()
        queryset = (
            queryset.filter(pk=decode_id(id, "Product"))
            if id is not None
            else by_slug(queryset, slug, slug_language_code)
        )
        product = queryset.first()
        if product is not None:
            prime_products(info.context, [product])
        return product

    @staticmethod
    def resolve_products(root, info, **arguments):
        return resolve_product_connection(info, **arguments)

    @staticmethod
    def resolve_product_variant(root, info, id=None, sku=None, external_reference=None, channel=None):
        check_channel(channel)
        if external_reference is not None and id is None and sku is None:
            return None
        if (id is None) == (sku is None):
            raise BadRequest("Provide exactly one of the `id` or `sku` arguments.")
        queryset = _visible_variants()
        queryset = (
            queryset.filter(pk=decode_id(id, "ProductVariant"))
            if id is not None
            else queryset.filter(sku=sku)
        )
        return queryset.first()

    @staticmethod
    def resolve_product_variants(
        root, info, ids=None, channel=None, filter=None, where=None, search=None, sort_by=None, **page
    ):
        check_channel(channel)
        queryset = _visible_variants()
        if ids is not None:
            if len(ids) > MAX_FILTER_VALUES:
                raise BadRequest(f"`ids` accepts at most {MAX_FILTER_VALUES} values.")
            queryset = queryset.filter(pk__in=decode_ids(ids, "ProductVariant"))
        queryset = queryset.filter(where_filters.variant_condition(where, search=search, filter=filter))
        descending = bool(sort_by) and getattr(sort_by["direction"], "value", sort_by["direction"]) == "DESC"
        queryset = queryset.order_by(*(["-created_at", "-pk"] if descending else ["created_at", "pk"]))

        def on_page(variants):
            VisibleProductByIdLoader.for_context(info.context).prime_keys(v.product_id for v in variants)

        return paginate(queryset, info, ProductVariantCountableConnection, on_page=on_page, **page)

    @staticmethod
    def resolve_category(root, info, id=None, slug=None, slug_language_code=None):
        _one_of(id, slug)
        if id is not None:
            return models.Category.objects.filter(pk=decode_id(id, "Category")).first()
        return by_slug(models.Category.objects.all(), slug, slug_language_code).first()

    @staticmethod
    def resolve_categories(root, info, filter=None, level=None, **page):
        queryset = models.Category.objects.all()
        if level is not None:
            queryset = (
                queryset.filter(parent__isnull=True) if level == 0 else queryset.filter(parent__isnull=False)
            )
        if filter:
            if filter.get("search"):
                queryset = queryset.filter(name__icontains=filter["search"][:200])
            if filter.get("slugs") is not None:
                queryset = queryset.filter(slug__in=filter["slugs"][:100])
        return paginate(
            queryset.order_by("sort_order", "name", "pk"),
            info,
            CategoryCountableConnection,
            on_page=lambda rows: prime_groups(info.context, rows),
            **page,
        )

    @staticmethod
    def resolve_collection(root, info, id=None, slug=None, channel=None, slug_language_code=None):
        _one_of(id, slug)
        check_channel(channel)
        if id is not None:
            return models.Collection.objects.filter(pk=decode_id(id, "Collection")).first()
        return by_slug(models.Collection.objects.all(), slug, slug_language_code).first()

    @staticmethod
    def resolve_collections(root, info, channel=None, **page):
        check_channel(channel)
        return paginate(
            models.Collection.objects.order_by("name", "pk"),
            info,
            CollectionCountableConnection,
            on_page=lambda rows: prime_groups(info.context, rows),
            **page,
        )

    @staticmethod
    def resolve_channel(root, info, id=None, slug=None):
        _one_of(id, slug)
        queryset = models.Channel.objects.filter(is_active=True)
        if id is not None:
            return queryset.filter(pk=decode_id(id, "Channel")).first()
        return queryset.filter(slug=slug).first()

    @staticmethod
    def resolve_channels(root, info):
        return list(models.Channel.objects.filter(slug=settings.DEFAULT_CHANNEL_SLUG))


def _visible_variants():
    return models.ProductVariant.objects.filter(product__in=products_visible_to_shoppers()).select_related(
        "stock"
    )
