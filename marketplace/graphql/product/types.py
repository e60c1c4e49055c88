"""Catalogue types with Saleor's names: Product, ProductVariant, Category, Collection, Channel."""

import graphene
from django.conf import settings
from django.db.models import Q

from marketplace.catalog import models
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.graphql.attribute import resolvers as attribute_resolvers
from marketplace.graphql.attribute.types import (
    AssignedAttribute,
    PositiveInt,
    ProductType,
    SelectedAttribute,
    VariantAttributeScope,
)
from marketplace.graphql.certification.dataloaders import (
    ActiveCertificationByProductIdLoader,
    CertificationTimelineByProductIdLoader,
)
from marketplace.graphql.certification.types import OcopCertification, OcopTimelineEvent
from marketplace.graphql.core.connection import CountableConnection, connection_field, paginate
from marketplace.graphql.core.editorjs import rich_text
from marketplace.graphql.core.languages import load_translation, translation_field
from marketplace.graphql.core.limits import LOADED_CONNECTIONS
from marketplace.graphql.core.types import (
    CountryDisplay,
    Image,
    OrderDirection,
    TaxedMoney,
    TaxedMoneyRange,
    ThumbnailFormatEnum,
    Weight,
    absolute_media_url,
    country,
    taxed_money,
)
from marketplace.graphql.producer.dataloaders import ProducerByIdLoader
from marketplace.graphql.product import filters, sorters, where
from marketplace.graphql.product.dataloaders import (
    CategoryByIdLoader,
    CategoryTranslationLoader,
    CollectionsByProductIdLoader,
    CollectionTranslationLoader,
    ImagesByProductIdLoader,
    ProductTranslationLoader,
    VariantsByProductIdLoader,
    VariantTranslationLoader,
    VisibleProductByIdLoader,
    prime_groups,
    prime_products,
)
from marketplace.graphql.product.translations import (
    CategoryTranslation,
    CollectionTranslation,
    ProductTranslation,
    ProductVariantTranslation,
)
from marketplace.graphql.review.types import resolve_product_reviews, reviews_connection_field


def channel_argument() -> graphene.String:
    return graphene.String(description="Slug of a channel for which the data should be returned.")


def check_channel(channel: str | None) -> None:
    """The marketplace sells in one channel; any other slug is an error, as in Saleor."""
    from marketplace.graphql.core.errors import BadRequest

    if channel is not None and channel != settings.DEFAULT_CHANNEL_SLUG:
        raise BadRequest(f"Channel with '{channel}' slug does not exist.")


class Channel(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)
    currency_code = graphene.String(required=True)
    default_country = graphene.Field(CountryDisplay, required=True)
    countries = graphene.List(graphene.NonNull(CountryDisplay))

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents a channel (the marketplace has one: default-channel, VND)."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Channel)

    @staticmethod
    def resolve_default_country(root, info):
        return country(root.default_country)

    @staticmethod
    def resolve_countries(root, info):
        return [country(root.default_country)]


class ProductMediaType(graphene.Enum):
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"


class ProductMedia(graphene.ObjectType):
    sort_order = graphene.Int()
    alt = graphene.String(required=True)
    type = graphene.Field(ProductMediaType, required=True)
    url = graphene.String(
        required=True,
        size=graphene.Int(description="Size of the image (the original is served)."),
        format=graphene.Argument(ThumbnailFormatEnum),
    )

    class Meta:
        interfaces = (graphene.relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.ProductImage)

    @staticmethod
    def resolve_alt(root, info):
        return root.alt

    @staticmethod
    def resolve_type(root, info):
        return ProductMediaType.IMAGE

    @staticmethod
    def resolve_url(root, info, size=None, format=None):
        return absolute_media_url(info, root.image.name)


class VariantPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    discount = graphene.Field(TaxedMoney)
    price = graphene.Field(TaxedMoney)
    price_undiscounted = graphene.Field(TaxedMoney)


class ProductPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    discount = graphene.Field(TaxedMoney)
    price_range = graphene.Field(TaxedMoneyRange)
    price_range_undiscounted = graphene.Field(TaxedMoneyRange)
    display_gross_prices = graphene.Boolean(required=True)


def _stock_available(variant) -> int:
    return models.units_available(variant) if _has_stock(variant) else 0


def _has_stock(variant) -> bool:
    try:
        variant.stock  # noqa: B018 - select_related cache or one query
    except models.Stock.DoesNotExist:
        return False
    return True


class ProductVariant(graphene.ObjectType):
    name = graphene.String(required=True)
    sku = graphene.String()
    product = graphene.Field(lambda: Product, required=True)
    quantity_available = graphene.Int(
        country_code=graphene.String(description="Ignored: every producer ships nationwide."),
        description="Quantity of a product available for sale.",
    )
    quantity_limit_per_customer = graphene.Int()
    pricing = graphene.Field(VariantPricingInfo, address=graphene.String(description="Ignored."))
    media = graphene.List(graphene.NonNull(ProductMedia))
    attributes = graphene.List(
        graphene.NonNull(SelectedAttribute),
        required=True,
        variant_selection=graphene.Argument(VariantAttributeScope),
        description="The variant's weight and volume (the pack sizes that tell variants apart).",
    )
    assigned_attribute = graphene.Field(
        AssignedAttribute, slug=graphene.String(required=True), description="One attribute by its slug."
    )
    assigned_attributes = graphene.List(
        graphene.NonNull(AssignedAttribute),
        required=True,
        limit=graphene.Argument(PositiveInt, default_value=100),
        description="The variant's attributes that hold a value.",
    )
    weight = graphene.Field(Weight)
    channel = graphene.String()
    created = graphene.DateTime(required=True)
    translation = translation_field(
        ProductVariantTranslation, "Returns translated product variant fields for the given language code."
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents a version of a product such as a pack size."

    @staticmethod
    def resolve_translation(root, info, language_code):
        return load_translation(info, VariantTranslationLoader, root.pk, language_code)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.ProductVariant)

    @staticmethod
    def resolve_name(root, info):
        return root.name

    @staticmethod
    def resolve_product(root, info):
        # Loaded with its product only where the caller manages it (mutation payloads); shoppers get the
        # product through the visibility loader.
        if models.ProductVariant.product.is_cached(root):
            return root.product
        return VisibleProductByIdLoader.for_context(info.context).load(root.product_id)

    @staticmethod
    def resolve_quantity_available(root, info, country_code=None):
        return _stock_available(root)

    @staticmethod
    def resolve_quantity_limit_per_customer(root, info):
        return None

    @staticmethod
    def resolve_pricing(root, info, address=None):
        price = taxed_money(root.price_amount)
        return {"on_sale": False, "discount": None, "price": price, "price_undiscounted": price}

    @staticmethod
    def resolve_media(root, info):
        return ImagesByProductIdLoader.for_context(info.context).load(root.product_id)

    @staticmethod
    def resolve_attributes(root, info, variant_selection=None):
        return _variant_attributes(root, info, variant_selection)

    @staticmethod
    def resolve_assigned_attribute(root, info, slug):
        found = attribute_resolvers.assigned(_variant_attributes(root, info), slug=slug)
        return found[0] if found else None

    @staticmethod
    def resolve_assigned_attributes(root, info, limit=100):
        return attribute_resolvers.assigned(_variant_attributes(root, info), limit=limit)

    @staticmethod
    def resolve_weight(root, info):
        return {"unit": "G", "value": float(root.weight_grams)} if root.weight_grams else None

    @staticmethod
    def resolve_channel(root, info):
        return settings.DEFAULT_CHANNEL_SLUG

    @staticmethod
    def resolve_created(root, info):
        return root.created_at


def _variant_product(variant, info):
    if models.ProductVariant.product.is_cached(variant):
        return variant.product
    return VisibleProductByIdLoader.for_context(info.context).load(variant.product_id)


def _variant_attributes(variant, info, variant_selection=None):
    return attribute_resolvers.variant_attributes(
        info, variant, _variant_product(variant, info), variant_selection
    )


class Product(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    description = graphene.JSONString(description="Description in EditorJS format.")
    seo_title = graphene.String()
    seo_description = graphene.String()
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    channel = graphene.String()
    category = graphene.Field(lambda: Category)
    thumbnail = graphene.Field(
        Image,
        size=graphene.Int(description="Size of thumbnail (the original is served)."),
        format=graphene.Argument(ThumbnailFormatEnum),
    )
    media = graphene.List(graphene.NonNull(ProductMedia))
    product_type = graphene.Field(
        ProductType, required=True, description="The type of the product's OCOP group (from its category)."
    )
    attributes = graphene.List(
        graphene.NonNull(SelectedAttribute),
        required=True,
        description="OCOP stars (from the valid certificate), province and kind of the producer, "
        "area of origin.",
    )
    assigned_attribute = graphene.Field(
        AssignedAttribute, slug=graphene.String(required=True), description="One attribute by its slug."
    )
    assigned_attributes = graphene.List(
        graphene.NonNull(AssignedAttribute),
        required=True,
        limit=graphene.Argument(PositiveInt, default_value=100),
        description="The product's attributes that hold a value.",
    )
    variants = graphene.List(graphene.NonNull(ProductVariant))
    product_variants = connection_field(
        lambda: ProductVariantCountableConnection,
        filter=graphene.Argument(where.ProductVariantFilterInput),
        where=graphene.Argument(where.ProductVariantWhereInput),
        sort_by=graphene.Argument(lambda: ProductVariantSortingInput),
        description="The product's variants, paginated.",
    )
    default_variant = graphene.Field(ProductVariant)
    pricing = graphene.Field(ProductPricingInfo, address=graphene.String(description="Ignored."))
    is_available = graphene.Boolean(address=graphene.String(description="Ignored."))
    is_available_for_purchase = graphene.Boolean()
    rating = graphene.Float(
        description="Average of the buyers' review stars (one decimal); null without reviews. "
        "OCOP stars are in `ocop.stars`."
    )
    reviews = reviews_connection_field()
    collections = graphene.List(graphene.NonNull(lambda: Collection))
    producer = graphene.Field(
        lambda: _producer_type(), required=True, description="The OCOP producer (seller)."
    )
    ocop = graphene.Field(OcopCertification, description="Active OCOP certificate; null without one.")
    certification_timeline = graphene.List(
        graphene.NonNull(OcopTimelineEvent),
        required=True,
        description="Every decision that recognised, re-rated, renewed, revoked or let the product expire, "
        "newest first.",
    )
    translation = translation_field(
        ProductTranslation, "Returns translated product fields for the given language code."
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents an individual item for sale in the storefront."

    @staticmethod
    def resolve_translation(root, info, language_code):
        return load_translation(info, ProductTranslationLoader, root.pk, language_code)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Product)

    @staticmethod
    def resolve_description(root, info):
        return rich_text(info, root.description)

    @staticmethod
    def resolve_seo_title(root, info):
        return root.seo_title or None

    @staticmethod
    def resolve_seo_description(root, info):
        return root.seo_description or None

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_channel(root, info):
        return settings.DEFAULT_CHANNEL_SLUG

    @staticmethod
    def resolve_category(root, info):
        return CategoryByIdLoader.for_context(info.context).load(root.category_id)

    @staticmethod
    def resolve_thumbnail(root, info, size=None, format=None):
        images = ImagesByProductIdLoader.for_context(info.context).load(root.pk)
        if not images:
            return None
        first = images[0]
        return {"url": absolute_media_url(info, first.image.name), "alt": first.alt or root.name}

    @staticmethod
    def resolve_media(root, info):
        return ImagesByProductIdLoader.for_context(info.context).load(root.pk)

    @staticmethod
    def resolve_product_type(root, info):
        return attribute_resolvers.product_type_of(info, root)

    @staticmethod
    def resolve_attributes(root, info):
        return attribute_resolvers.product_attributes(info, root)

    @staticmethod
    def resolve_assigned_attribute(root, info, slug):
        found = attribute_resolvers.assigned(attribute_resolvers.product_attributes(info, root), slug=slug)
        return found[0] if found else None

    @staticmethod
    def resolve_assigned_attributes(root, info, limit=100):
        return attribute_resolvers.assigned(attribute_resolvers.product_attributes(info, root), limit=limit)

    @staticmethod
    def resolve_product_variants(root, info, filter=None, where=None, sort_by=None, **page):
        if filter or where:
            # Filtered: one query for this product (lists ask without filters and share the loader).
            variants = list(
                models.ProductVariant.objects.filter(product=root)
                .filter(where_module.variant_condition(where, filter=filter))
                .select_related("stock")
                .order_by("sort_order", "id")
            )
        else:
            variants = VariantsByProductIdLoader.for_context(info.context).load(root.pk)
        if sort_by and _descending(sort_by):
            variants = list(reversed(variants))
        # Pages of at most LOADED_CONNECTIONS' bound, as the query cost counted them (hasNextPage tells).
        for end in ("first", "last"):
            if page.get(end) is not None:
                page[end] = min(page[end], LOADED_CONNECTIONS["Product.productVariants"])
        return paginate(variants, info, ProductVariantCountableConnection, **page)

    @staticmethod
    def resolve_variants(root, info):
        return VariantsByProductIdLoader.for_context(info.context).load(root.pk)

    @staticmethod
    def resolve_default_variant(root, info):
        variants = VariantsByProductIdLoader.for_context(info.context).load(root.pk)
        return variants[0] if variants else None

    @staticmethod
    def resolve_pricing(root, info, address=None):
        variants = VariantsByProductIdLoader.for_context(info.context).load(root.pk)
        price_range = None
        if variants:
            prices = [variant.price_amount for variant in variants]
            price_range = {"start": taxed_money(min(prices)), "stop": taxed_money(max(prices))}
        return {
            "on_sale": False,
            "discount": None,
            "price_range": price_range,
            "price_range_undiscounted": price_range,
            "display_gross_prices": True,
        }

    @staticmethod
    def resolve_is_available(root, info, address=None):
        variants = VariantsByProductIdLoader.for_context(info.context).load(root.pk)
        return any(_stock_available(variant) > 0 for variant in variants)

    @staticmethod
    def resolve_is_available_for_purchase(root, info):
        return True  # only visible (buyable) products are ever served

    @staticmethod
    def resolve_rating(root, info):
        return float(root.rating_average) if root.rating_count else None

    @staticmethod
    def resolve_reviews(root, info, **page):
        return resolve_product_reviews(root, info, **page)

    @staticmethod
    def resolve_collections(root, info):
        return CollectionsByProductIdLoader.for_context(info.context).load(root.pk)

    @staticmethod
    def resolve_producer(root, info):
        return ProducerByIdLoader.for_context(info.context).load(root.producer_id)

    @staticmethod
    def resolve_ocop(root, info):
        return ActiveCertificationByProductIdLoader.for_context(info.context).load(root.pk)

    @staticmethod
    def resolve_certification_timeline(root, info):
        return CertificationTimelineByProductIdLoader.for_context(info.context).load(root.pk)


where_module = where


def _descending(sort_by) -> bool:
    direction = sort_by.get("direction")
    return getattr(direction, "value", direction) == "DESC"


class ProductVariantSortingInput(graphene.InputObjectType):
    direction = graphene.Argument(OrderDirection, required=True)
    field = graphene.Argument(where.ProductVariantSortField, required=True)


class ProductVariantCountableConnection(CountableConnection):
    class Meta:
        node = ProductVariant


def _producer_type():
    from marketplace.graphql.producer.types import Producer

    return Producer


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = Product


def product_connection_field(**extra) -> graphene.Field:
    return connection_field(
        ProductCountableConnection,
        filter=graphene.Argument(filters.ProductFilterInput, description="Filtering options for products."),
        where=graphene.Argument(where.ProductWhereInput, description="Where filtering options for products."),
        sort_by=graphene.Argument(sorters.ProductOrder, description="Sort products."),
        channel=channel_argument(),
        **extra,
    )


def resolve_product_connection(
    info,
    scope: Q | None = None,
    *,
    filter=None,
    where=None,
    sort_by=None,
    search=None,
    channel=None,
    collection_id=None,
    **page,
):
    """Every product list of the API: products visible to shoppers (within `scope`), filtered, sorted,
    paginated, with the page's DataLoaders primed."""
    check_channel(channel)
    queryset = products_visible_to_shoppers()
    if scope is not None:
        queryset = queryset.filter(scope)
    queryset, search_ranked = filters.filter_products(queryset, filter or {}, search=search)
    queryset = where_module.filter_where(info, queryset, where)
    queryset = sorters.sort_products(
        queryset, sort_by, search_ranked=search_ranked, collection_id=collection_id
    )
    return paginate(
        queryset,
        info,
        ProductCountableConnection,
        on_page=lambda rows: prime_products(info.context, rows),
        **page,
    )


class _NamedGroup:
    """Category and Collection share Saleor's presentation fields: the description as EditorJS, the name as
    SEO title, no SEO text and no background image (none are stored)."""

    @staticmethod
    def resolve_description(root, info):
        return rich_text(info, root.description)

    @staticmethod
    def resolve_seo_title(root, info):
        return root.name

    @staticmethod
    def resolve_seo_description(root, info):
        return None

    @staticmethod
    def resolve_background_image(root, info, size=None, format=None):
        return None


class Category(_NamedGroup, graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    description = graphene.JSONString()
    seo_title = graphene.String()
    seo_description = graphene.String()
    level = graphene.Int(required=True)
    parent = graphene.Field(lambda: Category)
    background_image = graphene.Field(
        Image, size=graphene.Int(), format=graphene.Argument(ThumbnailFormatEnum)
    )
    children = connection_field(lambda: CategoryCountableConnection)
    products = product_connection_field()
    translation = translation_field(
        CategoryTranslation, "Returns translated category fields for the given language code."
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents a single category of products (the roots are the six OCOP product groups)."

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Category)

    @staticmethod
    def resolve_level(root, info):
        return 0 if root.parent_id is None else 1

    @staticmethod
    def resolve_parent(root, info):
        return CategoryByIdLoader.for_context(info.context).load(root.parent_id) if root.parent_id else None

    @staticmethod
    def resolve_children(root, info, **page):
        children = models.Category.objects.filter(parent=root).order_by("sort_order", "name", "pk")
        return paginate(
            children,
            info,
            CategoryCountableConnection,
            on_page=lambda rows: prime_groups(info.context, rows),
            **page,
        )

    @staticmethod
    def resolve_translation(root, info, language_code):
        return load_translation(info, CategoryTranslationLoader, root.pk, language_code)

    @staticmethod
    def resolve_products(root, info, **arguments):
        in_tree = Q(category=root) | Q(category__parent=root) | Q(category__parent__parent=root)
        return resolve_product_connection(info, in_tree, **arguments)


class CategoryCountableConnection(CountableConnection):
    class Meta:
        node = Category


class Collection(_NamedGroup, graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    description = graphene.JSONString()
    seo_title = graphene.String()
    seo_description = graphene.String()
    channel = graphene.String()
    background_image = graphene.Field(
        Image, size=graphene.Int(), format=graphene.Argument(ThumbnailFormatEnum)
    )
    products = product_connection_field()
    translation = translation_field(
        CollectionTranslation, "Returns translated collection fields for the given language code."
    )

    class Meta:
        interfaces = (graphene.relay.Node,)
        description = "Represents a collection of products (e.g. featured-products)."

    @staticmethod
    def resolve_translation(root, info, language_code):
        return load_translation(info, CollectionTranslationLoader, root.pk, language_code)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, models.Collection)

    @staticmethod
    def resolve_channel(root, info):
        return settings.DEFAULT_CHANNEL_SLUG

    @staticmethod
    def resolve_products(root, info, **arguments):
        # Without sortBy: the curated order, as the home page shows it.
        in_collection = Q(
            pk__in=models.CollectionProduct.objects.filter(collection=root).values("product_id")
        )
        return resolve_product_connection(info, in_collection, collection_id=root.pk, **arguments)


class CollectionCountableConnection(CountableConnection):
    class Meta:
        node = Collection
