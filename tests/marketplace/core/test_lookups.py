"""`field__any=values`: one array parameter instead of one placeholder per value."""

import pytest

from marketplace.catalog.models import Product
from marketplace.certification.models import Certification
from tests.factories import CertificationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_any_selects_the_same_rows_as_in():
    products = ProductFactory.create_batch(3)
    wanted = [products[0].pk, products[2].pk, 10**9]
    by_any = Product.objects.filter(pk__any=wanted)
    assert "= ANY(" in str(by_any.query)
    assert set(by_any) == set(Product.objects.filter(pk__in=wanted)) == {products[0], products[2]}
    assert list(Product.objects.filter(slug__any={products[1].slug})) == [products[1]]
    assert not Product.objects.filter(pk__any=[]).exists()


def test_any_takes_a_generator_and_the_query_runs_twice():
    products = ProductFactory.create_batch(2)
    query = Product.objects.filter(pk__any=(p.pk for p in products))
    assert query.count() == 2
    assert set(query.values_list("pk", flat=True)) == {p.pk for p in products}


def test_any_on_a_foreign_key_takes_ids():
    cert = CertificationFactory()
    CertificationFactory()
    assert list(Certification.objects.filter(product_id__any=[cert.product_id])) == [cert]
    assert list(Certification.objects.filter(product__any=(cert.product_id,))) == [cert]
