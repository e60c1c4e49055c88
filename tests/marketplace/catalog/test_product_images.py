"""product_image_add: the type comes from the bytes, bombs and oversize files are refused before decoding,
and what is stored is a fresh encoding (no metadata, no trailing payload) with a thumbnail."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from marketplace.catalog.models import ProductImage
from marketplace.catalog.services import product_image_add
from marketplace.core.images import ImageErrorCode
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import ProductFactory
from tests.factories.portal import (
    SVG_WITH_SCRIPT,
    image_bytes,
    jpeg_with_exif_and_payload,
    png_bomb,
    upload,
)


@pytest.fixture
def product(db):
    return ProductFactory(name="Cà phê Arabica")


def _refused(product, data: bytes, name: str, content_type: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        product_image_add(product=product, uploaded_file=upload(data, name, content_type), by=SYSTEM_TASK)
    assert ProductImage.objects.count() == 0
    return caught.value


def test_jpeg_is_re_encoded_without_exif_or_trailing_payload_and_gets_a_webp_thumbnail(product):
    original = jpeg_with_exif_and_payload()
    assert b"SecretCam" in original and original.endswith(b"<script>alert(1)</script>")
    image = product_image_add(
        product=product, uploaded_file=upload(original, "x.jpg", "image/jpeg"), alt="Gói", by=SYSTEM_TASK
    )
    stored = image.image.read()
    assert b"SecretCam" not in stored and b"secret-software" not in stored and b"<script>" not in stored
    assert stored.rstrip(b"\x00").endswith(b"\xff\xd9")  # nothing after the JPEG end marker
    reopened = Image.open(io.BytesIO(stored))
    assert (reopened.format, reopened.size) == ("JPEG", (80, 60))
    assert not reopened.getexif()
    thumb = Image.open(image.thumbnail.path)
    assert thumb.format == "WEBP" and max(thumb.size) <= 400
    assert (image.width, image.height, image.alt, image.sort_order) == (80, 60, "Gói", 0)
    assert image.image.name.startswith(f"products/{product.pk}/") and image.image.name.endswith(".jpg")


def test_type_comes_from_content_not_the_name(product):
    # A PNG named .jpg is stored as the PNG it is; a text file named .png is refused.
    image = product_image_add(
        product=product, uploaded_file=upload(image_bytes("PNG"), "a.jpg", "image/jpeg"), by=SYSTEM_TASK
    )
    assert image.image.name.endswith(".png")
    error = _refused_after(product, b"just some text, not pixels", "b.png", "image/png")
    assert error.code == ImageErrorCode.NOT_AN_IMAGE


def _refused_after(product, data, name, content_type) -> ValidationError:
    count = ProductImage.objects.count()
    with pytest.raises(ValidationError) as caught:
        product_image_add(product=product, uploaded_file=upload(data, name, content_type), by=SYSTEM_TASK)
    assert ProductImage.objects.count() == count
    return caught.value


def test_large_image_is_scaled_down_for_display(product, settings):
    settings.IMAGE_DISPLAY_MAX_SIDE = 100
    image = product_image_add(
        product=product, uploaded_file=upload(image_bytes("PNG", (400, 200))), by=SYSTEM_TASK
    )
    assert (image.width, image.height) == (100, 50)


def test_webp_with_alpha_is_accepted(product):
    rgba = Image.new("RGBA", (30, 30), (0, 0, 0, 0))
    out = io.BytesIO()
    rgba.save(out, format="WEBP")
    image = product_image_add(
        product=product, uploaded_file=upload(out.getvalue(), "a.webp", "image/webp"), by=SYSTEM_TASK
    )
    assert Image.open(image.image.path).mode == "RGBA"


def test_non_image_is_refused(product):
    error = _refused(product, b"%PDF-1.7\n1 0 obj <<>> endobj\n", "invoice.jpg", "image/jpeg")
    assert error.code == ImageErrorCode.NOT_AN_IMAGE
    assert error.messages == [
        "Tệp không phải là ảnh; hãy tải ảnh JPEG, PNG hoặc WebP. / Not an image; upload JPEG, PNG or WebP."
    ]


def test_svg_with_script_is_refused(product):
    error = _refused(product, SVG_WITH_SCRIPT, "logo.png", "image/png")
    assert error.code == ImageErrorCode.SVG
    assert "SVG" in error.messages[0]


def test_gif_is_refused_as_an_unsupported_type(product):
    error = _refused(product, image_bytes("GIF"), "a.gif", "image/gif")
    assert error.code == ImageErrorCode.UNSUPPORTED
    assert error.messages[0].startswith("Định dạng GIF không được nhận")


@pytest.mark.parametrize("size", [(100_000, 100_000), (9_000, 100), (7_000, 7_000)])
def test_image_bomb_and_oversized_dimensions_are_refused_before_decoding(product, size):
    error = _refused(product, png_bomb(*size), "bomb.png", "image/png")
    assert error.code == ImageErrorCode.DIMENSIONS
    assert "Kích thước ảnh" in error.messages[0]


def test_oversize_file_is_refused(product):
    data = image_bytes("PNG") + b"\x00" * (5 * 1024 * 1024)  # a valid PNG padded past 5 MB
    error = _refused(product, data, "big.png", "image/png")
    assert error.code == ImageErrorCode.TOO_LARGE
    assert error.messages[0].startswith("Ảnh quá lớn (5.1 MB); tối đa 5 MB.")


def test_truncated_image_is_refused(product):
    data = image_bytes("JPEG", (200, 200))
    error = _refused(product, data[: len(data) // 2], "cut.jpg", "image/jpeg")
    assert error.code == ImageErrorCode.DAMAGED


def test_at_most_the_configured_number_of_images(product, settings):
    settings.PRODUCT_MAX_IMAGES = 2
    for _ in range(2):
        product_image_add(product=product, uploaded_file=upload(image_bytes()), by=SYSTEM_TASK)
    with pytest.raises(ValidationError, match="Tối đa 2 ảnh"):
        product_image_add(product=product, uploaded_file=upload(image_bytes()), by=SYSTEM_TASK)
    assert product.images.count() == 2
