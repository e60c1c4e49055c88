"""A producer signs in, creates a product with an image and a variant and publishes it; shoppers see it only
once it holds an active certificate. Then the producer claims and lists a product an import created."""

import datetime

import pytest
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.catalog.services import product_create
from marketplace.certification.services import certification_issue, decision_get_or_create
from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK
from tests.factories import ProducerFactory, category
from tests.factories.portal import image_bytes, member_of


def _sign_in(page, email: str) -> None:
    """Through the real login page: /seller/ sends an anonymous visitor there and back."""
    page.goto(page.base_url + "/seller/")
    assert page.url.startswith(page.base_url + "/account/login/?next=/seller/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill("pass-word-123")  # tests.factories.UserFactory's password
    page.locator("form.auth-form button[type=submit]").click()


def _certify_like_the_import(product: Product, *, stars: int) -> None:
    decision, _ = decision_get_or_create(
        number="1234/QĐ-UBND",
        date=timezone.localdate() - datetime.timedelta(days=30),
        issuer="UBND tỉnh Sơn La",
        by=SYSTEM_IMPORT,
    )
    certification_issue(product=product, decision=decision, stars=stars, by=SYSTEM_IMPORT)


def _png_file(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": image_bytes("PNG", (300, 200), (120, 70, 20))}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_producer_lists_a_product_and_claims_an_imported_one(page, screenshot):
    # Uploads go to a temporary MEDIA_ROOT (tests/conftest.py); the live server shares it.
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")
    member_of(producer, email="bichthao@example.vn")
    base = page.base_url

    # Sign in, land on the dashboard; create, add an image and a variant, publish.
    _sign_in(page, "bichthao@example.vn")
    assert page.url == base + "/seller/bich-thao/"
    page.get_by_role("link", name="Thêm sản phẩm").first.click()
    page.locator("#id_name").fill("Cà phê Arabica rang mộc")
    page.locator("#id_category").select_option(value=str(category().pk))
    # The description editor (storefront/richtext.js) instead of raw HTML.
    page.locator("[data-richtext-editor]").click()
    page.keyboard.type("Trồng ở ")
    page.locator("[data-richtext-command=bold]").click()
    page.keyboard.type("Chiềng Ban")
    page.locator("[data-action=save-product]").click()
    product = Product.objects.get(name="Cà phê Arabica rang mộc")
    assert page.url == f"{base}/seller/bich-thao/products/{product.pk}/"
    page.locator(".image-form input[name=image]").set_input_files(_png_file("ca-phe.png"))
    page.locator(".image-form input[name=alt]").fill("Gói cà phê 500g")
    page.locator(".image-form [data-action=upload-image]").click()
    assert page.locator("[data-image]").count() == 1
    page.locator("[data-action=add-variant]").click()
    page.locator("#id_name").fill("Gói 500g")
    page.locator("#id_price_amount").fill("185.000")
    page.locator("#id_quantity").fill("25")
    page.locator("[data-action=save-variant]").click()
    assert page.locator("[data-variant] [data-price-vnd]").inner_text() == "185.000 ₫"
    page.locator("[data-action=publish]").click()
    assert page.locator("[data-shopper-status]").get_attribute("data-shopper-status") == "uncertified"
    screenshot(page, "published-uncertified")

    # Published but not certified: shoppers do not see it.
    page.goto(base + "/")
    assert page.locator(f'[data-product-slug="{product.slug}"]').count() == 0
    assert page.goto(f"{base}/products/{product.slug}/").status == 404

    # Certified (the way an import records a decision): now it is on sale.
    _certify_like_the_import(product, stars=4)
    page.goto(base + "/")
    card = page.locator(f'[data-product-slug="{product.slug}"]')
    assert card.locator("[data-ocop-stars]").get_attribute("data-ocop-stars") == "4"
    assert card.locator("[data-price-vnd]").inner_text() == "185.000 ₫"
    response = page.goto(f"{base}/products/{product.slug}/")
    assert response.status == 200
    assert page.locator(".description strong").inner_text() == "Chiềng Ban"
    assert page.locator(".description script").count() == 0
    screenshot(page, "product-on-sale")

    # Claim and list: an import created this product unpublished, with an active certificate.
    imported = product_create(
        producer=producer, category=category(), name="Chè Shan tuyết cổ thụ", by=SYSTEM_TASK
    )
    _certify_like_the_import(imported, stars=5)
    page.goto(base + "/")
    assert page.locator(f'[data-product-slug="{imported.slug}"]').count() == 0
    page.goto(base + "/seller/bich-thao/")
    page.locator(f'[data-section=claim] a[href="/seller/bich-thao/claim/{imported.pk}/"]').click()
    assert page.locator("[data-ocop-stars]").get_attribute("data-ocop-stars") == "5"
    assert page.locator("input[name=stars]").count() == 0  # stars are read-only
    page.locator("#id_price_amount").fill("240000")
    page.locator("#id_quantity").fill("8")
    page.locator(".claim-form input[name=image]").set_input_files(_png_file("che.png"))
    page.locator("[data-action=claim-publish]").click()
    assert page.locator("[data-shopper-status]").get_attribute("data-shopper-status") == "listed"
    screenshot(page, "claimed")
    page.goto(base + "/")
    claimed = page.locator(f'[data-product-slug="{imported.slug}"]')
    assert claimed.locator("[data-ocop-stars]").get_attribute("data-ocop-stars") == "5"
    assert claimed.locator("[data-price-vnd]").get_attribute("data-price-vnd") == "240000"
    page.goto(base + "/seller/bich-thao/")
    assert page.locator("[data-section=products] [data-listed]").count() == 2
    screenshot(page, "dashboard")
