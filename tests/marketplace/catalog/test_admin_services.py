"""The staff admin saves products through catalog.services, as the staff user: the same policy and the same
description sanitising as the portal and the API (the product page renders the description with |safe)."""

import pytest
from django.test import Client

from marketplace.catalog.models import Product, ProductVariant
from tests.factories import ProducerFactory, category, staff_with, visible_product

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p>Ngon<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a></p>'
)


TRANSLATIONS_NONE = {
    "translations-TOTAL_FORMS": "0",
    "translations-INITIAL_FORMS": "0",
    "translations-MIN_NUM_FORMS": "0",
    "translations-MAX_NUM_FORMS": "1000",
}


def _form(product, **overrides) -> dict:
    variant = product.variants.get()
    data = {
        "category": product.category_id,
        "name": product.name,
        "description": HOSTILE,
        "is_published": "on",
        "seo_title": "",
        "seo_description": "",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
        "variants-0-sku": variant.sku,
        "variants-0-name": variant.name,
        "variants-0-price_amount": variant.price_amount,
        "variants-0-weight_grams": "",
        **TRANSLATIONS_NONE,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        **TRANSLATIONS_NONE,
    }
    return data | overrides


def _assert_harmless(html: str) -> None:
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "Ngon" in html


def test_staff_saving_a_hostile_description_stores_and_renders_it_sanitised(staff_client):
    product = visible_product(slug="tra-shan")
    response = staff_client.post(f"/admin/catalog/product/{product.pk}/change/", _form(product))
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Product.objects.get(pk=product.pk).description
    _assert_harmless(stored)
    page = Client().get("/products/tra-shan/").content.decode()
    body = page[page.index('data-product-slug="tra-shan"') :]
    assert "alert(" not in body
    assert "Ngon" in body


def test_staff_creating_a_product_goes_through_the_service(staff_client):
    producer, drinks = ProducerFactory(), category()
    data = {
        "producer": producer.pk,
        "category": drinks.pk,
        "name": "Mật ong bạc hà",
        "slug": "mat-ong-bac-ha",
        "description": HOSTILE,
        "seo_title": "",
        "seo_description": "",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-sku": "MO-1",
        "variants-0-name": "Hũ 500ml",
        "variants-0-price_amount": "250000",
        "variants-0-weight_grams": "",
        **TRANSLATIONS_NONE,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    response = staff_client.post("/admin/catalog/product/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(name="Mật ong bạc hà")
    _assert_harmless(product.description)
    assert (product.slug, product.producer_id) == ("mat-ong-bac-ha", producer.pk)
    variant = ProductVariant.objects.get(product=product)
    assert (variant.sku, variant.price_amount, variant.stock.quantity) == ("MO-1", 250_000, 0)


def test_staff_without_the_catalogue_permission_changes_nothing():
    product = visible_product(slug="tra-shan")
    viewer = staff_with("catalog.view_product")
    client = Client()
    client.force_login(viewer)
    before = list(Product.objects.filter(pk=product.pk).values())
    response = client.post(f"/admin/catalog/product/{product.pk}/change/", _form(product))
    assert response.status_code == 403
    assert list(Product.objects.filter(pk=product.pk).values()) == before


def test_staff_enter_an_english_translation_through_the_service(staff_client):
    product = visible_product(slug="tra-shan")
    english = {
        "translations-TOTAL_FORMS": "1",
        "translations-0-language_code": "EN",
        "translations-0-name": "Shan tea",
        "translations-0-description": HOSTILE,
        "translations-0-seo_title": "",
        "translations-0-seo_description": "",
    }
    response = staff_client.post(f"/admin/catalog/product/{product.pk}/change/", _form(product, **english))
    assert response.status_code == 302, response.content.decode()[:2000]
    translation = product.translations.get()
    assert (translation.language_code, translation.name, translation.slug) == ("en", "Shan tea", "shan-tea")
    _assert_harmless(translation.description)


@pytest.mark.parametrize(
    ("code", "message"), [("xx", "Mã ngôn ngữ không hợp lệ"), ("vi", "Tiếng Việt là ngôn ngữ gốc")]
)
def test_the_admin_refuses_unknown_or_source_languages(staff_client, code, message):
    product = visible_product(slug="tra-shan")
    bad = {
        "translations-TOTAL_FORMS": "1",
        "translations-0-language_code": code,
        "translations-0-name": "Shan tea",
    }
    response = staff_client.post(f"/admin/catalog/product/{product.pk}/change/", _form(product, **bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not product.translations.exists()


def test_staff_move_a_translation_to_another_language_and_remove_it(staff_client):
    from marketplace.catalog.services import product_translation_set
    from marketplace.producers.policies import SYSTEM_TASK

    product = visible_product(slug="tra-shan")
    english = product_translation_set(product=product, language_code="en", name="Shan tea", by=SYSTEM_TASK)
    row = {
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "1",
        "translations-0-id": english.pk,
        "translations-0-product": product.pk,
        "translations-0-language_code": "en-gb",
        "translations-0-name": "Shan tea",
    }
    url = f"/admin/catalog/product/{product.pk}/change/"
    assert staff_client.post(url, _form(product, **row)).status_code == 302
    assert list(product.translations.values_list("language_code", "name")) == [("en-gb", "Shan tea")]
    moved = product.translations.get()
    row |= {"translations-0-id": moved.pk, "translations-0-DELETE": "on"}
    assert staff_client.post(url, _form(product, **row)).status_code == 302
    assert not product.translations.exists()
