"""What the portal pages show and write, and their constant number of SQL queries."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.certification.models import Certification
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    category,
)
from tests.factories.portal import member_of


@pytest.fixture
def producer(db):
    return ProducerFactory(name="HTX Cà phê A", slug="htx-a")


@pytest.fixture
def owner(producer):
    return member_of(producer)


@pytest.fixture
def client_a(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def test_create_product_sanitises_the_rich_description(producer, client_a):
    response = client_a.post(
        "/seller/htx-a/products/new/",
        {
            "name": "Mật ong hoa cà phê",
            "category": category().pk,
            "description": '<p onclick="x()">Ngọt <strong>dịu</strong></p><script>alert(1)</script>'
            '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>',
        },
    )
    product = Product.objects.get(name="Mật ong hoa cà phê")
    assert response.status_code == 302
    assert response["Location"] == f"/seller/htx-a/products/{product.pk}/"
    assert (product.producer_id, product.is_published) == (producer.pk, False)
    assert product.description == '<p>Ngọt <strong>dịu</strong></p><a rel="nofollow noopener">x</a>'


def test_variant_price_accepts_vnd_formatting_and_stock_is_set(producer, client_a):
    product = ProductFactory(producer=producer, is_published=False)
    response = client_a.post(
        f"/seller/htx-a/products/{product.pk}/variants/new/",
        {"name": "Hũ 500ml", "price_amount": "185.000 ₫", "quantity": "12", "weight_grams": "650"},
    )
    assert response.status_code == 302
    variant = product.variants.get()
    assert (variant.name, variant.price_amount, variant.weight_grams, variant.stock.quantity) == (
        "Hũ 500ml",
        185_000,
        650,
        12,
    )
    response = client_a.post(
        f"/seller/htx-a/products/{product.pk}/variants/{variant.pk}/",
        {"name": "Hũ 500ml", "sku": variant.sku, "price_amount": "-5", "quantity": "1"},
    )
    assert response.status_code == 200 and "price_amount" in response.context["form"].errors
    variant.refresh_from_db()
    assert variant.price_amount == 185_000
    assert not variant.translations.exists()
    edit = f"/seller/htx-a/products/{product.pk}/variants/{variant.pk}/"
    english = {"name": "Hũ 500ml", "sku": variant.sku, "price_amount": "185000", "quantity": "12"}
    assert client_a.post(edit, {**english, "name_en": "500 ml jar"}).status_code == 302
    assert variant.translations.get().name == "500 ml jar"
    assert 'value="500 ml jar"' in client_a.get(edit).content.decode()


def test_publish_without_variant_is_refused_with_a_message(producer, client_a):
    product = ProductFactory(producer=producer, is_published=False)
    response = client_a.post(f"/seller/htx-a/products/{product.pk}/publish/", {"publish": "1"}, follow=True)
    assert "Cần ít nhất một phân loại có giá trước khi đăng bán." in response.content.decode()
    product.refresh_from_db()
    assert product.is_published is False


def test_stars_and_certification_are_read_only(producer, client_a):
    product = ProductFactory(producer=producer)
    cert = CertificationFactory(product=product, stars=3)
    page = client_a.get(f"/seller/htx-a/products/{product.pk}/").content.decode()
    assert 'name="stars"' not in page and 'name="certification' not in page
    assert 'data-ocop-stars="3"' in page
    client_a.post(
        f"/seller/htx-a/products/{product.pk}/",
        {"name": product.name, "category": product.category_id, "stars": "5", "valid_until": "2099-01-01"},
    )
    assert Certification.objects.get(pk=cert.pk).stars == 3
    assert Certification.objects.filter(product=product).count() == 1


def test_dashboard_shows_listing_stock_certifications_and_claims(producer, client_a):
    today = timezone.localdate()
    listed = ProductFactory(producer=producer, name="Cà phê rang", slug="rang")
    CertificationFactory(product=listed, stars=4)
    VariantFactory(product=listed, sku="LOW-1", stock__quantity=2)
    VariantFactory(product=listed, sku="OK-1", stock__quantity=50)
    expiring = ProductFactory(producer=producer, name="Chè xanh", slug="che")
    until = today + datetime.timedelta(days=20)
    decision = DecisionFactory(date=until - datetime.timedelta(days=900))
    expiring_cert = CertificationFactory(
        product=expiring, decision=decision, valid_from=decision.date, valid_until=until
    )
    imported = ProductFactory(producer=producer, name="Mận hậu", slug="man", is_published=False)
    CertificationFactory(product=imported)
    other = ProductFactory(name="Không phải của A")  # another producer's product never shows
    CertificationFactory(product=other)

    body = client_a.get("/seller/htx-a/").content.decode()
    assert 'data-low-stock="LOW-1"' in body and 'data-low-stock="OK-1"' not in body
    assert f'data-certification="{expiring_cert.pk}" data-status="EXPIRING"' in body
    assert "còn 20 ngày" in body
    assert f'href="/seller/htx-a/claim/{imported.pk}/"' in body
    assert "Không phải của A" not in body
    assert 'data-listed="rang"' in body and 'data-listed="che"' in body and 'data-listed="man"' not in body
    assert "2 đang bán trên cửa hàng / 2 đã đăng / 3 tổng cộng" in body


def _make_products(producer, n):
    for i in range(n):
        product = ProductFactory(producer=producer, name=f"SP {i:03}", slug=f"sp-{producer.pk}-{i}")
        CertificationFactory(product=product)
        VariantFactory(product=product, stock__quantity=i % 4)
        imported = ProductFactory(producer=producer, name=f"Nhập {i:03}", slug=f"nhap-{producer.pk}-{i}")
        imported.is_published = False
        imported.save()
        CertificationFactory(product=imported)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # session, user, the user's producers, counts, low stock, certifications, claims, listed, open order
        # parts (no lines to prefetch: no orders here)
        ("/seller/{slug}/", 9),
        ("/seller/{slug}/products/", 7),  # session, user, the user's producers, products + 3 prefetches
        ("/seller/{slug}/claim/", 7),
    ],
)
def test_pages_run_a_constant_number_of_queries(db, url, expected):
    counts = []
    for n in (1, 30):
        producer = ProducerFactory()
        user = member_of(producer)
        _make_products(producer, n)
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.format(slug=producer.slug))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]


def test_profile_content_appears_on_the_public_producer_page(producer, client_a, settings, tmp_path):
    from tests.factories.portal import png_upload

    settings.MEDIA_ROOT = tmp_path
    response = client_a.post(
        "/seller/htx-a/profile/",
        {
            "description": "Ba thế hệ trồng cà phê ở Chiềng Ban.",
            "address": "Bản Nà Tre, xã Chiềng Ban",
            "commune": "Chiềng Ban",
            "province": "son-la",
            "contact_name": "Chị Thảo",
            "phone": "0912 345 678",
            "email": "lienhe@htx-a.vn",
            "website": "htx-a.vn",
        },
    )
    assert response.status_code == 302
    assert (
        client_a.post(
            "/seller/htx-a/profile/photos/new/", {"image": png_upload(), "alt": "Đồi cà phê"}
        ).status_code
        == 302
    )
    assert client_a.post("/seller/htx-a/profile/logo/", {"logo": png_upload()}).status_code == 302
    producer.refresh_from_db()
    assert (producer.website, producer.name) == ("https://htx-a.vn", "HTX Cà phê A")  # legal name untouched
    page = client_a.get("/producers/htx-a/").content.decode()
    assert "Ba thế hệ trồng cà phê ở Chiềng Ban." in page
    assert 'href="tel:0912345678"' in page and "lienhe@htx-a.vn" in page and "Chị Thảo" in page
    assert 'alt="Đồi cà phê"' in page
    assert f'src="{producer.logo.url}"' in page


def test_producers_enter_the_origin_and_volume_the_attributes_show(producer, client_a):
    product = ProductFactory(producer=producer, is_published=False)
    response = client_a.post(
        f"/seller/htx-a/products/{product.pk}/",
        {"name": product.name, "category": product.category_id, "origin": " xã Tà Xùa, Sơn La "},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.origin == "xã Tà Xùa, Sơn La"
    client_a.post(
        f"/seller/htx-a/products/{product.pk}/variants/new/",
        {"name": "Chai 500ml", "price_amount": "120000", "quantity": "3", "volume_ml": "500"},
    )
    variant = product.variants.get()
    assert variant.volume_ml == 500
    response = client_a.post(
        f"/seller/htx-a/products/{product.pk}/variants/{variant.pk}/",
        {
            "name": "Chai 500ml",
            "sku": variant.sku,
            "price_amount": "120000",
            "quantity": "3",
            "volume_ml": "-1",
        },
    )
    assert response.status_code == 200 and "volume_ml" in response.context["form"].errors
    variant.refresh_from_db()
    assert variant.volume_ml == 500


def test_the_producer_enters_english_on_the_edit_page(producer, client_a):
    product = ProductFactory(producer=producer, name="Tỏi đen")
    edit = f"/seller/{producer.slug}/products/{product.pk}/"
    page = client_a.get(edit).content.decode()
    assert 'data-section="translation"' in page and f"{edit}translation/" in page
    response = client_a.post(
        f"{edit}translation/",
        {"en-name": "Black garlic", "en-description": "<p>Aged<script>alert(1)</script> <b>slowly</b></p>"},
    )
    assert response.status_code == 302
    english = product.translations.get()
    assert (english.language_code, english.name, english.description) == (
        "en",
        "Black garlic",
        "<p>Aged <b>slowly</b></p>",
    )
    assert 'value="Black garlic"' in client_a.get(edit).content.decode()
    # A description without a name is refused with a message; nothing changes.
    response = client_a.post(f"{edit}translation/", {"en-name": "", "en-description": "<p>Only text</p>"})
    assert response.status_code == 400
    assert "Hãy nhập tên tiếng Anh cùng với mô tả." in response.content.decode()
    assert product.translations.get().description == "<p>Aged <b>slowly</b></p>"
    # Both empty: the English text is removed (the English storefront shows the Vietnamese).
    assert client_a.post(f"{edit}translation/", {"en-name": "", "en-description": ""}).status_code == 302
    assert not product.translations.exists()
