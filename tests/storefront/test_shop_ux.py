"""Issue 17 storefront blocks without a browser: related products, cart count, add to cart as JSON,
responsive pictures and group placeholders, demo pictures."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from marketplace.catalog.models import Category, ProductImage, responsive_image
from marketplace.catalog.selectors import RELATED_LIMIT, related_product_cards
from marketplace.catalog.services import product_image_add
from marketplace.core.demo.pictures import demo_picture, shape_for
from marketplace.producers.policies import SYSTEM_DEMO
from storefront.cart_count import COOKIE
from tests.factories import ProducerFactory, visible_product
from tests.factories.portal import png_upload
from tests.factories.storefront import invisible_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Coffee by one producer (and its hidden, expired… siblings), tea by another, a craft by a third."""
    son_la = ProducerFactory(name="HTX Cà phê Bích Thao", slug="bich-thao")
    coffee = visible_product(name="Cà phê bột", slug="ca-phe-bot", producer=son_la)
    visible_product(name="Cà phê hạt", slug="ca-phe-hat", producer=son_la)
    visible_product(
        name="Mật ong", slug="mat-ong", producer=son_la, category=Category.objects.get(slug="thuc-pham")
    )
    visible_product(name="Trà shan tuyết", slug="tra-shan")  # same group (đồ uống), other producer
    visible_product(name="Khăn thổ cẩm", slug="khan", category=Category.objects.get(slug="thu-cong-my-nghe"))
    invisible_products(producer=son_la)
    return coffee


def test_related_products_same_producer_first_then_same_group_visible_only(
    catalogue, django_assert_num_queries
):
    with django_assert_num_queries(1):
        cards = related_product_cards(product=catalogue)
    slugs = [card["slug"] for card in cards]
    assert slugs[:2] == ["mat-ong", "ca-phe-hat"]  # the producer's own, newest first
    assert slugs[2:] == [
        "tra-shan"
    ]  # then the group's; never the craft, the product itself or an invisible one


def test_related_products_stay_one_query_and_capped_with_many(catalogue, django_assert_num_queries):
    for n in range(RELATED_LIMIT + 5):
        visible_product(name=f"Chè {n}", slug=f"che-{n}")
    with django_assert_num_queries(1):
        cards = related_product_cards(product=catalogue, limit=100)
    assert len(cards) == RELATED_LIMIT


def test_product_page_shows_related_share_links_and_buy_bar(catalogue):
    html = Client().get("/products/ca-phe-bot/").content.decode()
    related = html[html.index("data-related-products") :]
    assert set(re.findall(r'<article class="card" data-product-slug="([^"]+)"', related)) == {
        "mat-ong",
        "ca-phe-hat",
        "tra-shan",
    }
    assert (
        'href="https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fproducts%2Fca-phe-bot%2F"'
        in html
    )
    assert (
        'data-share="zalo" href="https://zalo.me/share?url=http%3A%2F%2Ftestserver%2Fproducts%2Fca-phe-bot%2F"'
        in html
    )
    assert 'data-copy-link href="http://testserver/products/ca-phe-bot/"' in html
    assert '<button type="submit" form="buy-form" class="buy-bar-button">Thêm vào giỏ</button>' in html
    # No photo: the designed placeholder of the product's group, with its size (no layout shift).
    assert (
        'src="/static/storefront/placeholders/do-uong.svg" alt="Chưa có ảnh sản phẩm" '
        'width="400" height="300"' in html
    )


def test_add_to_cart_as_json_counts_and_sets_the_header_cookie(catalogue):
    client = Client()
    variant = catalogue.variants.get()
    response = client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": 2}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "Đã thêm «Cà phê bột» vào giỏ hàng.",
        "cart_count": 2,
        "cart_url": "/cart/",
    }
    assert response.cookies[COOKIE].value == "2" and response.cookies[COOKIE]["httponly"]
    html = client.get("/products/").content.decode()
    assert 'data-cart-count="2"' in html
    refused = client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": 999}, headers={"accept": "application/json"}
    )
    assert refused.status_code == 400 and refused.json()["ok"] is False and refused.json()["errors"]
    assert client.get("/cart/").cookies[COOKIE].value == "2"  # the refusal changed nothing


def test_add_to_cart_without_javascript_still_redirects_to_the_cart(catalogue):
    client = Client()
    response = client.post("/cart/add/", {"variant": catalogue.variants.get().pk, "quantity": 1})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert response.cookies[COOKIE].value == "1"


@pytest.mark.parametrize("raw", ["abc", "-1", "99999", ""])
def test_a_forged_cart_cookie_shows_nothing_odd(raw):
    client = Client()
    client.cookies[COOKIE] = raw
    html = client.get("/products/").content.decode()
    assert 'data-cart-count="0"' in html


def test_upload_makes_webp_renditions_and_cards_get_a_srcset(catalogue):
    image = product_image_add(
        product=catalogue, uploaded_file=png_upload(size=(1200, 900)), alt="Gói cà phê", by=SYSTEM_DEMO
    )
    assert image.thumbnail.name.endswith(".webp") and image.medium.name.endswith(".webp")
    with image.medium.open() as handle:
        assert Image.open(handle).size == (800, 600)
    srcset = image.responsive["srcset"]
    assert srcset == (f"{image.thumbnail.url} 400w, {image.medium.url} 800w, {image.image.url} 1200w")
    html = Client().get("/products/").content.decode()
    assert f'srcset="{srcset}"' in html and 'width="1200" height="900"' in html


def test_responsive_image_never_repeats_a_width():
    small = responsive_image(image="a.png", thumbnail="t.webp", medium="m.webp", width=300, height=200)
    assert small["srcset"] == "/media/t.webp 300w"
    legacy = responsive_image(image="a.jpg", thumbnail="", medium="", width=None, height=None)
    assert legacy == {"src": "/media/a.jpg", "srcset": "", "width": 800, "height": 600}


def test_cards_without_a_photo_show_their_group_placeholder(catalogue):
    html = Client().get("/products/").content.decode()
    card = html[html.index('data-product-slug="khan"') :]
    assert card.index("/static/storefront/placeholders/thu-cong-my-nghe.svg") < card.index("</article>")
    assert ProductImage.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "unit", "shape"),
    [
        ("Cà phê bột nguyên chất", "Gói 500g", "coffee_bag"),
        ("Chè shan tuyết Ôn Ốc", "Hộp 200g", "tea_tin"),
        ("Mật ong Quyết Thắng", "Chai 500ml", "honey_jar"),
        ("Nước mắm Ánh Hồng", "Chai 500ml", "bottle"),
        ("Xoài sấy dẻo Cường Hoa", "Gói 250g", "pouch"),
        ("Thịt trâu hun khói", "Gói 500g", "pouch"),
        ("Đông trùng hạ thảo Sapa", "Hộp 10g", "box"),
    ],
)
def test_demo_pictures_are_drawn_by_product_kind(name, unit, shape):
    assert shape_for(name, unit) == shape


def test_demo_picture_is_deterministic_and_sized():
    first, second = (
        demo_picture("Cà phê bột nguyên chất", "Gói 500g"),
        demo_picture("Cà phê bột nguyên chất", "Gói 500g"),
    )
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert image.format == "WEBP" and image.size == (800, 600)
    assert demo_picture("Trà Xanh Mây", "Hộp 200g") != first
