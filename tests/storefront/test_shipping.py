"""Shipping up front: the product page's estimate, the province form, the cart's parts, the portal's
threshold, and the order charging what the cart showed (seeded rate table)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.checkout.services import checkout_complete
from marketplace.orders.models import OrderPart
from marketplace.shipping.models import ProducerShipping
from marketplace.shipping.selectors import SESSION_KEY
from tests.factories import MembershipFactory, ProducerFactory
from tests.factories.orders import buyable_variant, filled_checkout

pytestmark = pytest.mark.django_db


def _choose(client: Client, province: str, next_url: str = "/cart/"):
    return client.post("/shipping/province/", {"province": province, "next": next_url})


def _hooks(html: str) -> tuple[list[str], list[str]]:
    return re.findall(r'data-shipping-fee-vnd="(\d+)"', html), re.findall(
        r'data-delivery-days="([\d-]+)"', html
    )


def test_product_page_shows_fee_and_days_to_the_default_province_then_the_chosen_one(client, settings):
    settings.SHIPPING_DEFAULT_PROVINCE = "ha-noi"
    variant = buyable_variant(producer=ProducerFactory(province="son-la"), slug="ca-phe", price=185_000)
    html = client.get("/products/ca-phe/").content.decode()
    assert _hooks(html) == (["22000"], ["2-3"])  # Sơn La → Hà Nội: same region, 500 g (no weight given)
    assert 'data-free-shipping-over-vnd="500000"' in html
    assert 'data-shipping-province="ha-noi"' in html

    response = _choose(client, "ho-chi-minh", "/products/ca-phe/")
    assert response.status_code == 302 and response["Location"] == "/products/ca-phe/"
    assert client.session[SESSION_KEY] == "ho-chi-minh"
    variant.weight_grams = 1_500
    variant.save()
    html = client.get("/products/ca-phe/").content.decode()
    assert _hooks(html) == (["48000"], ["3-5"])  # across regions, 1.5 kg


def test_a_product_over_the_producers_threshold_ships_free(client):
    producer = ProducerFactory(province="son-la")
    ProducerShipping.objects.create(producer=producer, free_over_vnd=100_000)
    buyable_variant(producer=producer, slug="tra", price=185_000)
    html = client.get("/products/tra/").content.decode()
    assert _hooks(html) == (["0"], ["2-3"]) and "Miễn phí giao hàng" in html


@pytest.mark.parametrize(
    ("data", "location", "kept"),
    [
        ({"province": "atlantis", "next": "/cart/"}, "/cart/", None),
        ({"province": "hue", "next": "https://evil.example/"}, "/", "hue"),
        ({"province": "hue" * 100, "next": "//evil.example/"}, "/", None),
    ],
)
def test_the_province_form_refuses_unknown_codes_and_foreign_targets(client, data, location, kept):
    response = client.post("/shipping/province/", data)
    assert response.status_code == 302 and response["Location"] == location
    assert client.session.get(SESSION_KEY) == kept
    assert client.get("/shipping/province/").status_code == 405


def _use_cart(client: Client, checkout: Checkout) -> None:
    session = client.session
    session["checkout_token"] = str(checkout.token)
    session.save()


def test_cart_shows_each_parts_fee_estimate_and_free_hint_and_the_order_charges_them(
    client, django_capture_on_commit_callbacks
):
    near = ProducerFactory(province="son-la")
    far = ProducerFactory(province="can-tho")
    coffee = buyable_variant(producer=near, price=185_000)
    coffee.weight_grams = 600
    coffee.save()
    rice = buyable_variant(producer=far, price=120_000)
    checkout = filled_checkout((coffee, 2), (rice, 1), province="")  # no address yet: the chosen province
    _use_cart(client, checkout)
    _choose(client, "son-la")
    html = client.get("/cart/").content.decode()
    # Sơn La → Sơn La, 1.2 kg: 25.000 ₫ in 1-2 days; Cần Thơ → Sơn La, 500 g: 30.000 ₫ in 3-5 days.
    assert _hooks(html) == (["25000", "30000"], ["1-2", "3-5"])
    assert re.findall(r'data-free-shipping-over-vnd="(\d+)"', html) == ["500000", "500000"]
    assert 'data-cart-total="545000"' in html  # 370.000 + 120.000 + 25.000 + 30.000

    Checkout.objects.filter(pk=checkout.pk).update(province="son-la")
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_complete(token=checkout.token, by=AnonymousUser())
    parts = {part.producer_id: part.shipping_amount for part in OrderPart.objects.filter(order=order)}
    assert parts == {near.pk: 25_000, far.pk: 30_000}
    assert (order.shipping_amount, order.total_amount) == (55_000, 545_000)


@pytest.mark.parametrize("producers", [1, 6])
def test_cart_runs_constant_queries_whatever_the_parts(client, django_assert_num_queries, producers):
    lines = [(buyable_variant(producer=ProducerFactory(province="lao-cai")), 1) for _ in range(producers)]
    checkout = filled_checkout(*lines, province="")
    _use_cart(client, checkout)
    _choose(client, "ha-noi")
    # session, checkout, lines (producers' thresholds joined), visible ids, zones with brackets, default
    with django_assert_num_queries(6):
        response = client.get("/cart/")
    assert len(_hooks(response.content.decode())[0]) == producers
    assert CheckoutLine.objects.count() == producers


def test_portal_sets_and_clears_the_producers_threshold(client):
    member = MembershipFactory()
    client.force_login(member.user)
    url = f"/seller/{member.producer.slug}/shipping/"
    assert 'data-free-shipping-over-vnd="500000"' in client.get(url).content.decode()
    response = client.post(url, {"free_over_vnd": "300000"})
    assert response.status_code == 302
    assert ProducerShipping.objects.get(producer=member.producer).free_over_vnd == 300_000
    refused = client.post(url, {"free_over_vnd": "-5"})
    assert refused.status_code == 400
    assert ProducerShipping.objects.get().free_over_vnd == 300_000
    client.post(url, {"use_default": "on"})
    assert not ProducerShipping.objects.exists()


def test_portal_shipping_page_is_for_members_only(client):
    member = MembershipFactory()
    other = MembershipFactory()
    client.force_login(other.user)
    assert client.post(f"/seller/{member.producer.slug}/shipping/", {"free_over_vnd": "1"}).status_code == 404
    assert not ProducerShipping.objects.exists()
