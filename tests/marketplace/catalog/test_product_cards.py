"""Product cards: one query, and the same facts a card drew from the products with shopper relations."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from marketplace.catalog.models import ProductImage, ProductVariant, Stock
from marketplace.catalog.selectors import (
    product_active_certification,
    product_cards,
    products_visible_to_shoppers,
    with_shopper_relations,
)
from tests.factories import (
    CertificationFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    visible_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    producer = ProducerFactory(name="HTX Bích Thao", slug="bich-thao", province="son-la")
    cheap_last = visible_product(name="A: rẻ nhất ở biến thể sau", slug="a", producer=producer, price=90_000)
    VariantFactory(product=cheap_last, price_amount=40_000, stock__quantity=0)
    ProductImage.objects.create(product=cheap_last, image="products/a-2.jpg", alt="", sort_order=2)
    ProductImage.objects.create(product=cheap_last, image="products/a-1.jpg", alt="Gói <A>", sort_order=1)
    sold_out = visible_product(name="B: hết hàng", slug="b", producer=producer, stars=5, quantity=3)
    Stock.objects.filter(variant__product=sold_out).update(quantity_allocated=3)
    ProductImage.objects.create(product=sold_out, image="products/b.jpg", alt="")
    no_stock_row = visible_product(name="C: biến thể không có kho", slug="c", stars=3)
    Stock.objects.filter(variant__product=no_stock_row).delete()
    no_variants = ProductFactory(name="D: chưa có biến thể", slug="d")
    CertificationFactory(product=no_variants, stars=3)
    ProductFactory(name="E: chưa chứng nhận", slug="e")  # invisible
    return producer


def _card_facts_from_models(product) -> dict:
    """What the per-card template tags used to compute from a product with shopper relations."""
    image = next(iter(product.images.all()), None)
    prices = [variant.price_amount for variant in product.variants.all()]
    return {
        "slug": product.slug,
        "name": product.name,
        "producer_slug": product.producer.slug,
        "producer_name": product.producer.name,
        "province_name": product.producer.province_name,
        "stars": product_active_certification(product).stars,
        "min_price": min(prices) if prices else None,
        "in_stock": any(
            getattr(variant, "stock", None) is not None and variant.stock.quantity_available > 0
            for variant in product.variants.all()
        ),
        "image_url": image.image.url if image else "",
        "image_alt": (image.alt or product.name) if image else None,
    }


def _card_facts(card) -> dict:
    return {
        "slug": card["slug"],
        "name": card["name"],
        "producer_slug": card["producer_slug"],
        "producer_name": card["producer_name"],
        "province_name": card["province_name"],
        "stars": card["stars"],
        "min_price": card["min_price"],
        "in_stock": card["in_stock"],
        "image_url": card["image_url"],
        "image_alt": (card["image_alt"] or card["name"]) if card["image"] else None,
    }


def test_cards_show_what_the_products_with_shopper_relations_show(catalogue, django_assert_num_queries):
    visible = products_visible_to_shoppers().order_by("slug")
    with django_assert_num_queries(1):
        cards = product_cards(order_by=("slug",))
    expected = [_card_facts_from_models(product) for product in with_shopper_relations(visible)]
    assert [_card_facts(card) for card in cards] == expected
    by_slug = {card["slug"]: card for card in cards}
    assert set(by_slug) == {"a", "b", "c", "d"}
    assert by_slug["a"]["min_price"] == 40_000 and by_slug["a"]["in_stock"]
    assert by_slug["a"]["image_url"] == "/media/products/a-1.jpg" and by_slug["a"]["image_alt"] == "Gói <A>"
    assert (
        not by_slug["b"]["in_stock"]
        and by_slug["b"]["stars"] == 5
        and by_slug["b"]["province_name"] == "Sơn La"
    )
    assert not by_slug["c"]["in_stock"]
    assert (
        by_slug["d"]["min_price"] is None and not by_slug["d"]["in_stock"] and by_slug["d"]["image_url"] == ""
    )


def test_cards_filter_order_and_limit_visible_products_only(catalogue):
    assert [card["slug"] for card in product_cards(order_by=("-slug",))] == ["d", "c", "b", "a"]
    assert [card["slug"] for card in product_cards(order_by=("-slug",), limit=2)] == ["d", "c"]
    assert [card["slug"] for card in product_cards(where=Q(slug__in=["a", "e"]))] == ["a"]
    of_producer = product_cards(where=Q(producer=catalogue), order_by=("name",))
    assert [card["slug"] for card in of_producer] == ["a", "b"]


def test_cards_read_what_changed_since_the_last_call(catalogue):
    """The card query is built once a day; its results are never kept."""
    assert {card["slug"]: card["min_price"] for card in product_cards()}["b"] == 185_000
    ProductVariant.objects.filter(product__slug="b").update(price_amount=120_000)
    visible_product(name="F: mới", slug="f", producer=catalogue, stars=5)
    cards = {card["slug"]: card for card in product_cards()}
    assert set(cards) == {"a", "b", "c", "d", "f"}
    assert cards["b"]["min_price"] == 120_000 and cards["f"]["stars"] == 5


def test_cards_of_another_day_use_that_day_for_certificates(catalogue):
    later = timezone.localdate() + datetime.timedelta(days=365 * 4)
    assert product_cards() and product_cards(today=later) == []
