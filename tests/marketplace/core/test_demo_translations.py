"""The demo ships English for every product, its pack sizes, the product groups and the featured collection,
so `translation(languageCode: EN)` answers real values after `make run`."""

import csv
import json
from pathlib import Path

import pytest
from django.test import Client

import marketplace.core.demo as demo_package
from marketplace.catalog.models import (
    CategoryTranslation,
    CollectionTranslation,
    Product,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
)
from marketplace.core.demo.loader import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()


def test_every_demo_product_pack_and_group_has_english(demo):
    rows = csv.DictReader((Path(demo_package.__file__).parent / "catalogue_en.csv").open(encoding="utf-8"))
    english = {row["product"]: row["name_en"] for row in rows}
    assert set(english) == set(Product.objects.values_list("name", flat=True))
    stored = dict(ProductTranslation.objects.filter(language_code="en").values_list("product__name", "name"))
    assert stored == english
    assert ProductVariantTranslation.objects.count() == ProductVariant.objects.count()
    assert set(ProductVariantTranslation.objects.values_list("name", flat=True)) >= {"500 g pack", "Set of 6"}
    assert dict(CategoryTranslation.objects.values_list("category__slug", "name"))["do-uong"] == "Beverages"
    assert CategoryTranslation.objects.count() == 6
    assert CollectionTranslation.objects.get().name == "Featured products"
    coffee = ProductTranslation.objects.get(product__name="Cà phê bột nguyên chất")
    assert coffee.description == (
        "<p>Pure ground coffee – HTX Cà phê Bích Thao. Grown in high mountain fields, picked and "
        "processed by hand under a certified process.</p>"
    )
    demo_load()  # loading again changes nothing
    assert ProductTranslation.objects.count() == len(english)


def test_the_api_answers_the_demo_english(demo):
    query = """{ product(slug: "pure-ground-coffee", slugLanguageCode: EN, channel: "default-channel") {
      name translation(languageCode: EN) { name description language { code } }
      variants { translation(languageCode: EN) { name } }
      category { translation(languageCode: EN) { name slug } }
    } }"""
    response = Client().post("/graphql/", {"query": query}, content_type="application/json")
    product = response.json()["data"]["product"]
    assert product["name"] == "Cà phê bột nguyên chất"
    assert product["translation"]["name"] == "Pure ground coffee"
    assert json.loads(product["translation"]["description"])["blocks"][0]["type"] == "paragraph"
    assert product["variants"][0]["translation"] == {"name": "500 g pack"}
    assert product["category"]["translation"] == {"name": "Beverages", "slug": "beverages"}
