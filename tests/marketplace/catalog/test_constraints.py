"""Integrity the database itself guards, whatever code writes to it."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from marketplace.catalog.models import Product, Stock
from marketplace.certification.models import Certification, CertificationState
from tests.factories import CertificationFactory, ProducerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def assert_rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.parametrize("stars", [0, 1, 2, 6, 7])
def test_stars_outside_3_to_5_are_rejected_by_the_database(stars):
    certification = CertificationFactory(stars=4)
    assert_rejected(lambda: Certification.objects.filter(pk=certification.pk).update(stars=stars))
    certification.refresh_from_db()
    assert certification.stars == 4


@pytest.mark.parametrize("stars", [3, 4, 5])
def test_stars_3_to_5_are_accepted(stars):
    assert CertificationFactory(stars=stars).stars == stars


def test_one_active_certification_per_product():
    first = CertificationFactory()
    assert_rejected(lambda: CertificationFactory(product=first.product))
    assert Certification.objects.filter(product=first.product).count() == 1
    # A superseded or expired one beside the active one is fine.
    CertificationFactory(product=first.product, state=CertificationState.SUPERSEDED)
    assert Certification.objects.filter(product=first.product).count() == 2


def test_score_above_100_is_rejected():
    assert_rejected(lambda: CertificationFactory(score=101))


def test_product_slugs_are_unique():
    ProductFactory(slug="ca-phe-son-la")
    assert_rejected(lambda: ProductFactory(slug="ca-phe-son-la"))
    assert Product.objects.filter(slug="ca-phe-son-la").count() == 1


def test_producer_slugs_are_unique():
    ProducerFactory(slug="htx-bich-thao")
    assert_rejected(lambda: ProducerFactory(slug="htx-bich-thao"))


def test_stock_cannot_go_negative():
    variant = VariantFactory(stock__quantity=2)
    assert_rejected(lambda: Stock.objects.filter(variant=variant).update(quantity=-1))
    variant.stock.refresh_from_db()
    assert variant.stock.quantity == 2


def test_price_cannot_be_negative():
    assert_rejected(lambda: VariantFactory(price_amount=-1))


def test_product_always_has_exactly_one_producer():
    product = ProductFactory()
    assert_rejected(lambda: Product.objects.filter(pk=product.pk).update(producer=None))
    # Deleting the producer of a product is refused rather than orphaning or cascading the product.
    with pytest.raises(ProtectedError):
        product.producer.delete()
    product.refresh_from_db()
    assert product.producer_id is not None
    assert Product._meta.get_field("producer").many_to_one
