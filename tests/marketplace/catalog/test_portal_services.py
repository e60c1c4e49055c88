"""Catalogue services the portal uses: scope checked again, publishing rules, claim-and-list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.catalog import services
from marketplace.catalog.models import Product, ProductImage, ProductVariant, Stock
from marketplace.catalog.selectors import products_to_claim, products_visible_to_shoppers
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import CertificationFactory, ProducerFactory, ProductFactory, VariantFactory
from tests.factories.portal import SVG_WITH_SCRIPT, member_of, png_upload, upload


@pytest.fixture
def producers(db):
    a, b = ProducerFactory(slug="a"), ProducerFactory(slug="b")
    return a, b, member_of(a), member_of(b)


def test_services_refuse_a_member_of_another_producer_and_change_nothing(producers):
    a, _, _, member_b = producers
    product = ProductFactory(producer=a, is_published=False)
    variant = VariantFactory(product=product, sku="A-1", price_amount=100)
    calls = [
        lambda: services.product_set_published(product=product, is_published=True, by=member_b),
        lambda: services.product_variant_add(product=product, price_amount=1, by=member_b),
        lambda: services.variant_update(variant=variant, name="x", sku="A-1", price_amount=1, by=member_b),
        lambda: services.product_image_add(product=product, uploaded_file=png_upload(), by=member_b),
        lambda: services.product_claim(product=product, price_amount=1, quantity=1, by=member_b),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    product.refresh_from_db()
    variant.refresh_from_db()
    assert (product.is_published, variant.price_amount, variant.name) == (False, 100, "Gói 500g")
    assert ProductVariant.objects.count() == 1 and ProductImage.objects.count() == 0


def test_anonymous_user_is_refused(producers):
    from django.contrib.auth.models import AnonymousUser

    product = ProductFactory(producer=producers[0])
    with pytest.raises(PermissionDenied):
        services.product_set_published(product=product, is_published=False, by=AnonymousUser())


def test_publishing_needs_a_variant(producers):
    a, _, owner_a, _ = producers
    product = ProductFactory(producer=a, is_published=False)
    with pytest.raises(ValidationError, match="Cần ít nhất một phân loại"):
        services.product_set_published(product=product, is_published=True, by=owner_a)
    services.product_variant_add(product=product, price_amount=185_000, quantity=3, by=owner_a)
    assert services.product_set_published(product=product, is_published=True, by=owner_a).is_published


def test_variant_add_makes_a_sku_and_refuses_a_taken_one(producers):
    a, _, owner_a, _ = producers
    product = ProductFactory(producer=a)
    first = services.product_variant_add(product=product, price_amount=1000, quantity=2, by=owner_a)
    second = services.product_variant_add(product=product, price_amount=2000, by=owner_a)
    assert (first.sku, second.sku) == (f"P{product.pk}-1", f"P{product.pk}-2")
    assert Stock.objects.get(variant=first).quantity == 2
    with pytest.raises(ValidationError, match="SKU"):
        services.product_variant_add(product=product, price_amount=1, sku=first.sku, by=owner_a)
    with pytest.raises(ValidationError, match="SKU"):
        services.variant_update(variant=second, name="", sku=first.sku, price_amount=1, by=owner_a)


def test_published_without_certificate_stays_invisible_until_certified(producers):
    a, _, owner_a, _ = producers
    product = ProductFactory(producer=a, is_published=False)
    services.product_variant_add(product=product, price_amount=50_000, quantity=1, by=owner_a)
    services.product_set_published(product=product, is_published=True, by=owner_a)
    assert not products_visible_to_shoppers().filter(pk=product.pk).exists()
    CertificationFactory(product=product)
    assert products_visible_to_shoppers().filter(pk=product.pk).exists()


def test_claim_completes_and_publishes_all_or_nothing(producers):
    a, _, owner_a, _ = producers
    imported = ProductFactory(producer=a, is_published=False)
    CertificationFactory(product=imported, stars=5)
    assert list(products_to_claim(producer_id=a.pk)) == [imported]
    with pytest.raises(ValidationError):
        services.product_claim(
            product=imported,
            price_amount=120_000,
            quantity=4,
            uploaded_image=upload(SVG_WITH_SCRIPT, "x.svg", "image/svg+xml"),
            by=owner_a,
        )
    imported.refresh_from_db()
    assert imported.is_published is False and imported.variants.count() == 0
    services.product_claim(
        product=imported, price_amount=120_000, quantity=4, uploaded_image=png_upload(), by=owner_a
    )
    imported.refresh_from_db()
    assert imported.is_published is True
    assert [(v.price_amount, v.stock.quantity) for v in imported.variants.all()] == [(120_000, 4)]
    assert imported.images.count() == 1
    assert list(products_to_claim(producer_id=a.pk)) == []
    assert products_visible_to_shoppers().filter(pk=imported.pk).exists()


def test_profile_update_only_touches_content_fields(producers):
    from marketplace.producers.services import producer_profile_update

    a, _, owner_a, member_b = producers
    with pytest.raises(ValidationError):
        producer_profile_update(producer=a, by=owner_a, name="Renamed")
    with pytest.raises(PermissionDenied):
        producer_profile_update(producer=a, by=member_b, description="hijack")
    producer_profile_update(producer=a, by=owner_a, description="Câu chuyện", phone="0912 345 678")
    a.refresh_from_db()
    assert (a.description, a.phone) == ("Câu chuyện", "0912 345 678")


def test_none_is_never_a_trusted_caller_system_actors_are_explicit(producers):
    product = ProductFactory(producer=producers[0], is_published=False)
    VariantFactory(product=product)
    with pytest.raises(PermissionDenied):
        services.product_set_published(product=product, is_published=True, by=None)
    assert not Product.objects.get(pk=product.pk).is_published
    assert services.product_set_published(product=product, is_published=True, by=SYSTEM_TASK).is_published
    assert Product.objects.get(pk=product.pk).is_published


def test_portal_writes_queue_the_product_for_an_external_search_index(producers, settings):
    from marketplace.producers.services import producer_profile_update
    from marketplace.search.models import DirtyProduct

    settings.SEARCH_BACKEND = "marketplace.search.backends.elasticsearch.ElasticsearchBackend"
    a, _, owner_a, _ = producers
    product = ProductFactory(producer=a, is_published=False)
    variant = VariantFactory(product=product)
    writes = [
        lambda: services.product_set_published(product=product, is_published=True, by=owner_a),
        lambda: services.product_image_add(product=product, uploaded_file=png_upload(), by=owner_a),
        lambda: services.product_image_delete(image=product.images.get(), by=owner_a),
        lambda: services.variant_update(variant=variant, price_amount=1, by=owner_a),
        lambda: producer_profile_update(producer=a, by=owner_a, province="lao-cai"),
    ]
    for write in writes:
        DirtyProduct.objects.all().delete()
        write()
        assert list(DirtyProduct.objects.values_list("product_id", flat=True)) == [product.pk]


def test_variant_fields_and_stock_change_together_or_not_at_all(producers):
    a, _, owner_a, _ = producers
    product = ProductFactory(producer=a)
    variant = VariantFactory(product=product, sku="A-1", price_amount=100, stock__quantity=5)
    with pytest.raises(ValidationError):
        services.variant_update_with_stock(
            variant=variant,
            name="Mới",
            sku="A-1",
            price_amount=200,
            weight_grams=None,
            quantity=-1,
            by=owner_a,
        )
    variant.refresh_from_db()
    assert (variant.name, variant.price_amount, variant.stock.quantity) == ("Gói 500g", 100, 5)
    services.variant_update_with_stock(
        variant=variant, name="Mới", sku="A-1", price_amount=200, weight_grams=250, quantity=9, by=owner_a
    )
    variant.refresh_from_db()
    assert (variant.name, variant.price_amount, variant.weight_grams, variant.stock.quantity) == (
        "Mới",
        200,
        250,
        9,
    )
