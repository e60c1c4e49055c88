"""Attributes as views of real data (catalog.attributes) and their staff admin."""

import pytest
from django.test import Client

from marketplace.catalog.attributes import attribute_catalog, product_values, variant_values
from marketplace.catalog.models import Attribute, AttributeSource, AttributeTranslation, Category
from marketplace.core.demo.loader import pack_measures
from tests.factories import ProducerFactory, ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_every_source_has_one_seeded_attribute_and_each_group_a_product_type():
    assert sorted(Attribute.objects.values_list("source", flat=True)) == sorted(AttributeSource.values)
    catalog = attribute_catalog()
    assert sorted(g for g in catalog.type_by_group if g is not None) == [1, 2, 3, 4, 5, 6]
    child = Category.objects.create(name="Cà phê", slug="ca-phe", parent=Category.objects.get(slug="do-uong"))
    assert attribute_catalog().product_type_for(child.pk).slug == "do-uong"


def test_values_are_read_from_their_sources():
    catalog = attribute_catalog()
    by_source = {attribute.source: attribute for attribute in catalog.attributes.values()}
    producer = ProducerFactory(province="son-la", kind="cooperative")
    product = ProductFactory(producer=producer, origin="")
    stars = product_values(catalog, by_source["ocop_stars"], product=product, producer=producer, stars=None)
    assert stars == []  # never a star without a valid certificate
    five = product_values(catalog, by_source["ocop_stars"], product=product, producer=producer, stars=5)
    assert [(v.slug, v.name) for v in five] == [("5", "5 sao")]
    province = product_values(catalog, by_source["province"], product=product, producer=producer, stars=None)
    assert [(v.slug, v.name) for v in province] == [("son-la", "Sơn La")]
    assert product_values(catalog, by_source["origin"], product=product, producer=producer, stars=None) == []
    variant = VariantFactory(product=product, weight_grams=None, volume_ml=750)
    assert variant_values(by_source["weight"], variant=variant) == []
    assert [(v.name, v.numeric) for v in variant_values(by_source["volume"], variant=variant)] == [
        ("0.75", 0.75)
    ]


def test_demo_pack_names_give_weight_and_volume():
    assert pack_measures("Gói 500g") == (500, None)
    assert pack_measures("Túi 2kg") == (2000, None)
    assert pack_measures("Chai 500ml") == (None, 500)
    assert pack_measures("Hộp 20 túi lọc") == (None, None)


def test_staff_rename_and_translate_attributes_but_cannot_add_or_delete(staff_client):
    stars = Attribute.objects.get(source="ocop_stars")
    assert staff_client.get("/admin/catalog/attribute/").status_code == 200
    assert staff_client.get("/admin/catalog/attribute/add/").status_code == 403
    assert staff_client.get(f"/admin/catalog/attribute/{stars.pk}/delete/").status_code == 403
    page = staff_client.get(f"/admin/catalog/attribute/{stars.pk}/change/")
    assert page.status_code == 200
    assert "Bản dịch tên thuộc tính" in page.content.decode()
    assert staff_client.get("/admin/catalog/producttype/").status_code == 200


def test_shoppers_cannot_reach_the_attribute_admin():
    shopper = Client()
    shopper.force_login(UserFactory())
    response = shopper.get("/admin/catalog/attribute/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert AttributeTranslation.objects.filter(language_code="en").count() == 6
