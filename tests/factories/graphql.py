"""Factories for the GraphQL tests (on top of the core factories in tests/factories/__init__.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.catalog.models import Collection, CollectionProduct, ProductImage
from tests.factories import visible_product

# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ff"
    "bf1e00050001ff5c5f4c0e0000000049454e44ae426082"
)


def product_with_image(**fields):
    product = visible_product(**fields)
    ProductImage.objects.create(
        product=product, image=SimpleUploadedFile(f"{product.slug}.png", PNG, "image/png"), alt=product.name
    )
    return product


def feature(product, position: int = 0) -> None:
    collection = Collection.objects.get(slug="featured-products")
    CollectionProduct.objects.create(collection=collection, product=product, sort_order=position)


def bulk_visible_products(count: int, *, producer=None, category=None) -> list:
    """`count` sellable products (certified, one variant in stock, one image) with set-based inserts."""
    from marketplace.catalog.models import Category, Product, ProductVariant, Stock
    from marketplace.certification.models import Certification
    from marketplace.certification.services import certificate_valid_until
    from tests.factories import DecisionFactory, ProducerFactory

    producer = producer or ProducerFactory()
    category = category or Category.objects.get(slug="do-uong")
    decision = DecisionFactory()
    start = Product.objects.count()
    products = Product.objects.bulk_create(
        Product(
            producer=producer,
            category=category,
            name=f"Sản phẩm {start + n:05d}",
            slug=f"san-pham-{start + n:05d}",
            is_published=True,
        )
        for n in range(count)
    )
    variants = ProductVariant.objects.bulk_create(
        ProductVariant(product=p, sku=f"BULK-{p.pk}", name="Gói", price_amount=100_000 + p.pk)
        for p in products
    )
    Stock.objects.bulk_create(Stock(variant=v, quantity=10) for v in variants)
    ProductImage.objects.bulk_create(
        ProductImage(product=p, image=f"products/{p.slug}.png", alt="") for p in products
    )
    Certification.objects.bulk_create(
        Certification(
            product=p,
            decision=decision,
            stars=4,
            valid_from=decision.date,
            valid_until=certificate_valid_until(decision.date),
        )
        for p in products
    )
    return products
