from typing import Any

from marketplace.catalog.models import (
    Category,
    CategoryTranslation,
    CollectionProduct,
    CollectionTranslation,
    ProductImage,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
)
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.graphql.certification.dataloaders import (
    ActiveCertificationByProductIdLoader,
    CertificationTimelineByProductIdLoader,
)
from marketplace.graphql.core.dataloaders import DataLoader, by_key, group_by
from marketplace.graphql.core.languages import TranslationLoader
from marketplace.graphql.producer.dataloaders import ProducerByIdLoader


class ProductTranslationLoader(TranslationLoader):
    context_key = "product_translation"
    model = ProductTranslation
    owner_field = "product"


class VariantTranslationLoader(TranslationLoader):
    context_key = "variant_translation"
    model = ProductVariantTranslation
    owner_field = "product_variant"


class CategoryTranslationLoader(TranslationLoader):
    context_key = "category_translation"
    model = CategoryTranslation
    owner_field = "category"


class CollectionTranslationLoader(TranslationLoader):
    context_key = "collection_translation"
    model = CollectionTranslation
    owner_field = "collection"


class VisibleProductByIdLoader(DataLoader):
    """Products a shopper may see, by id (None for anything else): variant.product, checkout lines."""

    context_key = "visible_product_by_id"

    def batch_load(self, keys):
        ProductTranslationLoader.for_context(self.context).prime_keys(keys)
        return by_key(products_visible_to_shoppers().filter(pk__in=keys), keys)


class VariantsByProductIdLoader(DataLoader):
    context_key = "variants_by_product_id"

    def batch_load(self, keys):
        rows = (
            ProductVariant.objects.filter(product_id__in=keys)
            .select_related("stock")
            .order_by("sort_order", "id")
        )
        grouped = group_by(rows, "product_id", keys)
        prime_variants(self.context, [variant for variants in grouped for variant in variants])
        return grouped


class ImagesByProductIdLoader(DataLoader):
    context_key = "images_by_product_id"

    def batch_load(self, keys):
        rows = ProductImage.objects.filter(product_id__in=keys).order_by("sort_order", "id")
        return group_by(rows, "product_id", keys)


class CategoryByIdLoader(DataLoader):
    context_key = "category_by_id"

    def batch_load(self, keys):
        CategoryTranslationLoader.for_context(self.context).prime_keys(keys)
        return by_key(Category.objects.filter(pk__in=keys), keys)


class CollectionsByProductIdLoader(DataLoader):
    context_key = "collections_by_product_id"

    def batch_load(self, keys):
        grouped: dict[int, list[Any]] = {key: [] for key in keys}
        for entry in (
            CollectionProduct.objects.filter(product_id__in=keys)
            .select_related("collection")
            .order_by("collection__name", "id")
        ):
            grouped[entry.product_id].append(entry.collection)
        CollectionTranslationLoader.for_context(self.context).prime_keys(
            collection.pk for collections in grouped.values() for collection in collections
        )
        return [grouped[key] for key in keys]


def prime_products(context, products) -> None:
    """A page of products was loaded: announce their keys so each nested field costs one query per page."""
    ids = [product.pk for product in products]
    ProductTranslationLoader.for_context(context).prime_keys(ids)
    visible = VisibleProductByIdLoader.for_context(context)
    for product in products:
        visible.prime(product.pk, product)
    VariantsByProductIdLoader.for_context(context).prime_keys(ids)
    ImagesByProductIdLoader.for_context(context).prime_keys(ids)
    ActiveCertificationByProductIdLoader.for_context(context).prime_keys(ids)
    CertificationTimelineByProductIdLoader.for_context(context).prime_keys(ids)
    CollectionsByProductIdLoader.for_context(context).prime_keys(ids)
    CategoryByIdLoader.for_context(context).prime_keys(product.category_id for product in products)
    ProducerByIdLoader.for_context(context).prime_keys(product.producer_id for product in products)


def prime_variants(context, variants) -> None:
    """Variants were loaded (a product's list, checkout or order lines): announce them to their loaders."""
    VariantTranslationLoader.for_context(context).prime_keys(variant.pk for variant in variants)


def prime_groups(context, rows) -> None:
    """A page of categories or collections was loaded: announce their translations."""
    categories = [row.pk for row in rows if isinstance(row, Category)]
    CategoryTranslationLoader.for_context(context).prime_keys(categories)
    CollectionTranslationLoader.for_context(context).prime_keys(
        row.pk for row in rows if not isinstance(row, Category)
    )
