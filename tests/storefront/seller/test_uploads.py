"""Uploads through the portal forms: each bad file is refused with a clear message and nothing is stored."""

import pytest
from django.test import Client

from marketplace.catalog.models import Product, ProductImage, ProductVariant
from marketplace.producers.models import Producer, ProducerPhoto
from tests.factories import CertificationFactory, ProducerFactory, ProductFactory
from tests.factories.portal import SVG_WITH_SCRIPT, image_bytes, member_of, png_bomb, upload

BAD_FILES = {
    "non_image": (
        b"MZ\x90\x00 this is an executable",
        "photo.jpg",
        "image/jpeg",
        "Tệp không phải là ảnh; hãy tải ảnh JPEG, PNG hoặc WebP.",
    ),
    "image_bomb": (png_bomb(), "bomb.png", "image/png", "Kích thước ảnh quá lớn."),
    "svg_with_script": (
        SVG_WITH_SCRIPT,
        "logo.svg",
        "image/svg+xml",
        "Không nhận ảnh SVG/HTML (có thể chứa mã độc); hãy tải ảnh JPEG, PNG hoặc WebP.",
    ),
    "oversize": (
        image_bytes("JPEG") + b"\x00" * (6 * 1024 * 1024),
        "huge.jpg",
        "image/jpeg",
        "Ảnh quá lớn (6.1 MB); tối đa 5 MB.",
    ),
}


@pytest.fixture
def setup(db, settings, tmp_path):
    producer = ProducerFactory(slug="htx-a")
    user = member_of(producer)
    product = ProductFactory(producer=producer, slug="ca-phe", is_published=False)
    claimable = ProductFactory(producer=producer, slug="che-nhap", is_published=False)
    CertificationFactory(product=claimable)
    client = Client()
    client.force_login(user)
    return client, product, claimable


def _bad(kind):
    data, name, content_type, _ = BAD_FILES[kind]
    return upload(data, name, content_type)


def _body(response) -> str:
    from html import unescape

    return unescape(response.content.decode())


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_product_image_upload_refuses(setup, kind):
    client, product, _ = setup
    response = client.post(f"/seller/htx-a/products/{product.pk}/images/new/", {"image": _bad(kind)})
    assert response.status_code == 400
    assert BAD_FILES[kind][3] in _body(response)
    assert ProductImage.objects.count() == 0


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_claim_refuses_bad_image_and_leaves_the_product_untouched(setup, kind):
    client, _, claimable = setup
    response = client.post(
        f"/seller/htx-a/claim/{claimable.pk}/",
        {"price_amount": "150.000", "quantity": "3", "image": _bad(kind)},
    )
    assert response.status_code == 400
    assert BAD_FILES[kind][3] in _body(response)
    claimable.refresh_from_db()
    assert claimable.is_published is False
    assert ProductVariant.objects.filter(product=claimable).count() == 0
    assert ProductImage.objects.count() == 0


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_logo_and_photo_uploads_refuse(setup, kind):
    client, _, _ = setup
    response = client.post("/seller/htx-a/profile/logo/", {"logo": _bad(kind)})
    assert response.status_code == 400
    assert BAD_FILES[kind][3] in _body(response)
    assert Producer.objects.get(slug="htx-a").logo.name == ""
    response = client.post("/seller/htx-a/profile/photos/new/", {"image": _bad(kind)})
    assert response.status_code == 400
    assert BAD_FILES[kind][3] in _body(response)
    assert ProducerPhoto.objects.count() == 0


def test_good_upload_is_stored_with_thumbnail_and_shown(setup):
    client, product, _ = setup
    response = client.post(
        f"/seller/htx-a/products/{product.pk}/images/new/",
        {"image": upload(image_bytes("JPEG", (640, 480)), "x.jpg", "image/jpeg"), "alt": "Gói cà phê"},
    )
    assert response.status_code == 302
    image = ProductImage.objects.get()
    assert (image.product_id, image.alt, image.width, image.height) == (product.pk, "Gói cà phê", 640, 480)
    page = client.get(f"/seller/htx-a/products/{product.pk}/")
    assert f'src="{image.thumbnail.url}"' in page.content.decode()
    assert Product.objects.get(pk=product.pk).images.count() == 1
