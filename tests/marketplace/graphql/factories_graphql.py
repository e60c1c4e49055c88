"""Factories for the GraphQL tests (on top of tests/factories.py)."""

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
