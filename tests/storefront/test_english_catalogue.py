"""The English storefront shows the English names of products, pack sizes and groups where a translation
exists (the Vietnamese otherwise), with a constant number of queries per page."""

import pytest
from django.conf import settings
from django.test import Client

from marketplace.catalog import services
from marketplace.catalog.models import Category, ProductImage
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import ProducerFactory, VariantFactory, visible_product

pytestmark = pytest.mark.django_db

# The Vietnamese pages' counts (tests/storefront/test_pages.py) plus the translations.
LISTING_QUERIES = 3 + 2  # + category and product-name translations
# test_pages.py's product page (5, related cards included) and shipping estimate (3), + product, category,
# variant and related cards' translations
PRODUCT_QUERIES = 5 + 3 + 4


@pytest.fixture
def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def garlic():
    product = visible_product(name="Tỏi đen Diệp Bách", slug="toi-den")
    product.variants.update(name="Hộp 200g")
    services.product_translation_set(
        product=product,
        language_code="en",
        name="Diệp Bách black garlic",
        description="<p>Aged for sixty days.</p>",
        by=SYSTEM_TASK,
    )
    services.variant_translation_set(
        variant=product.variants.get(), language_code="en", name="200 g box", by=SYSTEM_TASK
    )
    services.category_translation_set(
        category=product.category, language_code="en", name="Beverages", by=SYSTEM_TASK
    )
    return product


def test_product_page_in_english_and_in_vietnamese(english, garlic):
    html = english.get("/products/toi-den/").content.decode()
    assert '<h1 class="product-title">Diệp Bách black garlic</h1>' in html
    assert "<p>Aged for sixty days.</p>" in html
    assert "200 g box" in html and ">Beverages</a>" in html
    vietnamese = Client().get("/products/toi-den/").content.decode()
    assert '<h1 class="product-title">Tỏi đen Diệp Bách</h1>' in vietnamese
    assert "Hộp 200g" in vietnamese and "200 g box" not in vietnamese


def test_untranslated_products_fall_back_to_vietnamese(english, garlic):
    visible_product(name="Chè shan tuyết", slug="che-shan")
    html = english.get("/products/").content.decode()
    assert "Diệp Bách black garlic" in html and "Chè shan tuyết" in html
    assert "Tỏi đen Diệp Bách" not in html
    home = english.get("/").content.decode()
    assert ">Beverages</a>" in home
    category = english.get(f"/categories/{garlic.category.slug}/").content.decode()
    assert "<h1>Beverages</h1>" in category


@pytest.mark.parametrize("size", [2, 30])  # at least one related product to translate
def test_english_pages_run_constant_queries(english, size, django_assert_num_queries):
    producer = ProducerFactory(slug="bich-thao")
    drinks = Category.objects.get(slug="do-uong")
    services.category_translation_set(category=drinks, language_code="en", name="Beverages", by=SYSTEM_TASK)
    for n in range(size):
        product = visible_product(name=f"Cà phê {n}", slug=f"ca-phe-{n}", producer=producer)
        variant = VariantFactory(product=product, name=f"Gói {n}")
        ProductImage.objects.create(product=product, image=f"products/{n}.jpg")
        services.product_translation_set(
            product=product, language_code="en", name=f"Coffee {n}", by=SYSTEM_TASK
        )
        services.variant_translation_set(
            variant=variant, language_code="en", name=f"Pack {n}", by=SYSTEM_TASK
        )
    with django_assert_num_queries(LISTING_QUERIES):
        html = english.get(f"/products/?per_page={size}").content.decode()
    assert html.count("Coffee ") >= size
    with django_assert_num_queries(PRODUCT_QUERIES):
        html = english.get("/products/ca-phe-0/").content.decode()
    assert "Coffee 0" in html and "Pack 0" in html
