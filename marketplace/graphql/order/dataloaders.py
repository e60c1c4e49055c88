"""Loaders for what order lines point at: the bought variant and, when still visible, its product."""

from marketplace.catalog.models import ProductVariant
from marketplace.graphql.core.dataloaders import DataLoader, by_key
from marketplace.graphql.product.dataloaders import (
    CategoryByIdLoader,
    VisibleProductByIdLoader,
    prime_products,
    prime_variants,
)


class OrderedVariantByIdLoader(DataLoader):
    """Variants bought in the orders of one page. Loading them announces their products, and loading those
    announces the products' images and categories, so a page of orders costs a constant number of queries."""

    context_key = "ordered_variant_by_id"

    def batch_load(self, keys):
        variants = by_key(ProductVariant.objects.filter(pk__in=keys).select_related("stock"), keys)
        product_ids = {variant.product_id for variant in variants if variant is not None}
        VisibleProductByIdLoader.for_context(self.context).prime_keys(product_ids)
        prime_variants(self.context, [variant for variant in variants if variant is not None])
        return variants


def visible_product(context, variant):
    """The variant's product when shoppers may still see it, else None (no hidden product is ever served)."""
    loader = VisibleProductByIdLoader.for_context(context)
    fresh = variant.product_id not in loader.cache
    product = loader.load(variant.product_id)
    if fresh:  # the first load fetched every announced product: announce what they need in turn
        products = [value for value in loader.cache.values() if value is not None]
        prime_products(context, products)
        CategoryByIdLoader.for_context(context).prime_keys(p.category_id for p in products)
    return product


def prime_orders(context, orders) -> None:
    """A page of orders (with parts and lines prefetched) was loaded: announce the variants of its lines."""
    OrderedVariantByIdLoader.for_context(context).prime_keys(
        line.variant_id for order in orders for part in order.parts.all() for line in part.lines.all()
    )
