"""The portal for people new to computers: plain labels, the description editor's server side, a confirm step
before destructive actions (without JavaScript), tables that scroll, and the printable packing slip."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from marketplace.catalog.models import Product, ProductImage
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import ProducerPhoto
from tests.factories import ProducerFactory, StaffFactory
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import member_of
from tests.storefront.seller.world import build_world, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def client_a(world):
    client = Client()
    client.force_login(world.owner_a)
    return client


def labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html)]


def test_product_form_speaks_plainly_and_offers_the_editor(client_a, world):
    html = client_a.get(f"/seller/htx-a/products/{world.product.pk}/").content.decode()
    shown = " ".join(labels(html))
    assert "SEO" not in shown and "SKU" not in shown
    assert "Giới thiệu sản phẩm" in shown and "Tên hiện trên Google (không bắt buộc)" in shown
    assert html.count('class="helptext"') >= 4  # every field explains itself
    assert "data-richtext" in html and "/static/storefront/richtext.js" in html
    # The editor may insert the product's own images.
    assert world.image.image.url in html.split("data-richtext-images=")[1].split(">")[0]
    # Variant table headers without jargon.
    assert "<th>SKU</th>" not in html and "Mã hàng" in html
    variant_form = client_a.get(f"/seller/htx-a/products/{world.product.pk}/variants/new/").content.decode()
    assert "SKU" not in " ".join(labels(variant_form))
    assert "Giá bán (đồng)" in variant_form


def test_description_keeps_our_own_images_and_drops_foreign_ones(client_a, world):
    own = world.image.image.url
    html = (
        f'<p><strong>Rang mộc</strong></p><ul><li>500g</li></ul><p><img src="{own}" alt="Gói" onerror="x()">'
        '<img src="https://tracker.example/p.gif"><a href="javascript:alert(1)">x</a></p>'
    )
    data = {"name": "Cà phê A", "category": world.product.category_id, "description": html}
    assert client_a.post(f"/seller/htx-a/products/{world.product.pk}/", data).status_code == 302
    world.product.refresh_from_db()
    assert world.product.description == (
        "<p><strong>Rang mộc</strong></p><ul><li>500g</li></ul>"
        f'<p><img src="{own}" alt="Gói"><a rel="nofollow noopener">x</a></p>'
    )


def test_unpublish_asks_first_without_javascript(client_a, world):
    url = f"/seller/htx-a/products/{world.product.pk}/publish/"
    before = snapshot()
    response = client_a.post(url, {"publish": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-confirm-step="unpublish"' in html
    assert '<input type="hidden" name="publish" value="0">' in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert snapshot() == before
    assert client_a.post(url, {"publish": "0", "confirmed": "1"}).status_code == 302
    assert Product.objects.get(pk=world.product.pk).is_published is False
    # Publishing again needs no confirmation.
    assert client_a.post(url, {"publish": "1"}).status_code == 302
    assert Product.objects.get(pk=world.product.pk).is_published is True


def test_edit_page_carries_the_dialog_text_for_javascript(client_a, world):
    html = client_a.get(f"/seller/htx-a/products/{world.product.pk}/").content.decode()
    assert re.search(r'class="publish" data-confirm="Ngừng bán sản phẩm này\?', html)
    assert 'data-confirm="Xoá ảnh này? Không thể hoàn tác."' in html


def test_image_and_photo_deletes_ask_first(client_a, world):
    before = snapshot()
    image_url = f"/seller/htx-a/products/{world.product.pk}/images/{world.image.pk}/delete/"
    photo_url = f"/seller/htx-a/profile/photos/{world.photo.pk}/delete/"
    for url, step in ((image_url, "delete-image"), (photo_url, "delete-photo")):
        response = client_a.post(url)
        assert response.status_code == 200
        assert f'data-confirm-step="{step}"' in response.content.decode()
    assert snapshot() == before
    assert client_a.post(image_url, {"confirmed": "1"}).status_code == 302
    assert client_a.post(photo_url, {"confirmed": "1"}).status_code == 302
    assert not ProductImage.objects.filter(pk=world.image.pk).exists()
    assert not ProducerPhoto.objects.filter(pk=world.photo.pk).exists()


def test_another_producer_cannot_reach_the_confirm_step(world):
    client = Client()
    client.force_login(world.member_b)
    before = snapshot()
    assert (
        client.post(f"/seller/htx-a/products/{world.product.pk}/publish/", {"publish": "0"}).status_code
        == 404
    )
    assert (
        client.post(f"/seller/htx-b/products/{world.product.pk}/publish/", {"publish": "0"}).status_code
        == 404
    )
    assert snapshot() == before


SCROLL_BOX = r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+"><table'


def test_tables_sit_in_a_scrolling_box(client_a, world):
    for path in (
        "/seller/htx-a/products/",
        "/seller/htx-a/orders/",
        f"/seller/htx-a/orders/{world.part_a.pk}/",
    ):
        html = client_a.get(path).content.decode()
        # each in a box that scrolls and that keyboard users can focus (axe: scrollable-region-focusable)
        boxed = re.findall(SCROLL_BOX, html)
        assert html.count("<table") == len(boxed) > 0, path


# --- Packing slip -------------------------------------------------------------------------------------


def test_packing_slip_has_what_the_packer_and_the_carrier_need(client_a, world):
    part, order = world.part_a, world.order
    response = client_a.get(f"/seller/htx-a/orders/{part.pk}/packing-slip/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-packing-slip="{part.pk}"' in html and f'data-order-number="{order.number}"' in html
    assert order.full_name in html and order.phone in html and order.street in html and order.commune in html
    assert "HTX Cà phê A" in html
    assert (
        'data-slip-line="A-1"' in html and 'data-quantity="2"' in html and 'data-total-quantity="2"' in html
    )
    assert "B-1" not in html and "Chè B" not in html  # the other producer's lines are not on it
    assert "/static/seller/packing_slip.css" in html
    css = (settings.BASE_DIR / "storefront/static/seller/packing_slip.css").read_text(encoding="utf-8")
    assert "@media print" in css
    assert "data-collect-vnd" not in html  # bank transfer: nothing to collect at the door


def test_cash_on_delivery_slip_says_how_much_to_collect(db):
    a = ProducerFactory(slug="htx-cod")
    owner = member_of(a)
    order = place_order((buyable_variant(producer=a, price=120_000), 1), payment_method=PaymentMethod.COD)
    part = order.parts.get()
    client = Client()
    client.force_login(owner)
    html = client.get(f"/seller/htx-cod/orders/{part.pk}/packing-slip/").content.decode()
    assert f'data-collect-vnd="{part.total_amount}"' in html


@pytest.mark.parametrize("who", ["member_b", "staff", "shopper"])
def test_packing_slip_only_for_the_parts_producer(world, who):
    client = Client()
    client.force_login(getattr(world, who))
    before = snapshot()
    assert client.get(f"/seller/htx-a/orders/{world.part_a.pk}/packing-slip/").status_code == 404
    assert client.get(f"/seller/htx-b/orders/{world.part_a.pk}/packing-slip/").status_code == 404
    assert snapshot() == before


def test_packing_slip_needs_sign_in(world):
    response = Client().get(f"/seller/htx-a/orders/{world.part_a.pk}/packing-slip/")
    assert response.status_code == 302 and "/login" in response["Location"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_order_pages_cost_the_same_queries_for_one_line_or_many(db):
    producer = ProducerFactory(slug="htx-q")
    owner = member_of(producer)
    client = Client()
    client.force_login(owner)
    small = place_order((buyable_variant(producer=producer), 1))
    big = place_order(*[(buyable_variant(producer=producer), 2) for _ in range(4)])
    small_part, big_part = small.parts.get(), big.parts.get()
    for suffix in ("", "packing-slip/"):
        counts = {
            _queries(client, f"/seller/htx-q/orders/{part.pk}/{suffix}") for part in (small_part, big_part)
        }
        assert len(counts) == 1, (suffix, counts)
    one = _queries(client, "/seller/htx-q/orders/")
    for _ in range(3):
        place_order((buyable_variant(producer=producer), 1))
    assert _queries(client, "/seller/htx-q/orders/") == one


def test_staff_never_use_the_portal(db):
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get("/seller/").status_code == 403
