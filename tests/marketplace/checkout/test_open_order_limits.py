"""One shopper may hold only a few open unpaid orders (per e-mail, phone and IP), so nobody can lock up a
producer's stock with orders never paid for. The refusal creates nothing: no order, stock untouched, the
cart kept. Checked through the service, the web checkout and GraphQL checkoutComplete."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from graphql_relay import to_global_id

from marketplace.catalog.models import Stock
from marketplace.checkout.models import Checkout
from marketplace.checkout.services import checkout_complete
from marketplace.orders.models import Order
from marketplace.orders.policies import GuestTokenActor
from marketplace.orders.services import order_cancel, order_part_mark_shipped
from tests.factories import MembershipFactory
from tests.factories.orders import ADDRESS, buyable_variant, filled_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL = 3
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_PHONE = 3
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_IP = 5


@pytest.fixture
def variant():
    return buyable_variant(quantity=50, producer=MembershipFactory().producer)


def _order(variant, *, email=ADDRESS["email"], phone=ADDRESS["phone"], ip="203.113.1.1", **fields) -> Order:
    checkout = filled_checkout((variant, 1), email=email, phone=phone, **fields)
    return checkout_complete(token=checkout.token, client_ip=ip, by=AnonymousUser())


def _refused(variant, field: str | None, **kwargs) -> str:
    checkout = filled_checkout(
        (variant, 2), email=kwargs.pop("email", ADDRESS["email"]), phone=kwargs.pop("phone", ADDRESS["phone"])
    )
    before = (Order.objects.count(), Stock.objects.get(variant=variant).quantity)
    with pytest.raises(ValidationError) as exc:
        checkout_complete(token=checkout.token, client_ip=kwargs.pop("ip", "203.113.1.1"), by=AnonymousUser())
    error = exc.value
    key = field or "__all__"
    assert list(error.error_dict) == [key]
    assert error.error_dict[key][0].code == "too_many_open_orders"
    assert (Order.objects.count(), Stock.objects.get(variant=variant).quantity) == before
    assert Checkout.objects.filter(pk=checkout.pk).exists()  # the cart stays for later
    return error.messages[0]


def test_a_fourth_open_order_per_email_is_refused(variant):
    for i in range(3):
        _order(variant, phone=f"09000000{i:02d}", ip=f"10.0.0.{i}")
    message = _refused(variant, "email", email="KHACH@example.vn", phone="0988777666", ip="10.0.1.1")
    assert message == (
        "Email này đang có 3 đơn hàng chưa thanh toán. Vui lòng thanh toán, chờ nhận hàng hoặc hủy bớt đơn "
        "cũ (liên kết trong email) rồi đặt tiếp."
    )


def test_phone_numbers_are_compared_by_their_digits(variant):
    for i, phone in enumerate(["0912 345 678", "+84912345678", "84-912-345-678"]):
        _order(variant, email=f"a{i}@example.vn", phone=phone, ip=f"10.0.0.{i}")
    message = _refused(variant, "phone", email="new@example.vn", phone="0912.345.678", ip="10.0.1.1")
    assert message.startswith("Số điện thoại này đang có 3 đơn hàng chưa thanh toán.")


def test_per_ip(variant):
    for i in range(5):
        _order(variant, email=f"a{i}@example.vn", phone=f"09000000{i:02d}", ip="198.51.100.7")
    message = _refused(variant, None, email="b@example.vn", phone="0988777666", ip="198.51.100.7")
    assert message.startswith("Đã có 5 đơn hàng chưa thanh toán được đặt từ mạng của bạn.")
    # Another address is not affected.
    assert _order(variant, email="b@example.vn", phone="0988777666", ip="198.51.100.8").pk


def test_only_open_unpaid_orders_count(variant):
    """Cancelled and shipped orders hold no stock: the shopper may order again."""
    member = variant.product.producer.memberships.get()
    first, second, _third = (_order(variant, ip=f"10.0.0.{i}") for i in range(3))
    order_cancel(order=first, by=GuestTokenActor(token=first.token))
    order_part_mark_shipped(part=second.parts.get(), by=member.user, tracking_code="GHN")
    assert _order(variant, ip="10.0.0.9").pk
    assert _order(variant, ip="10.0.0.10").pk
    _refused(variant, "email", phone="0911111111")


def test_a_limit_of_zero_is_off(variant, settings):
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL = 0
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_PHONE = 0
    for i in range(4):
        _order(variant, ip=f"10.0.0.{i}")
    assert Order.objects.count() == 4


def test_the_web_checkout_shows_the_refusal(variant):
    for i in range(3):
        _order(variant, ip=f"10.0.0.{i}")
    client = Client(REMOTE_ADDR="10.9.9.9")
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
    form = {**ADDRESS, "idempotency_key": client.session["checkout_token"], "payment_method": "cod"}
    before = (Order.objects.count(), Stock.objects.get(variant=variant).quantity)
    response = client.post("/checkout/", form)
    assert response.status_code == 400
    assert "Email này đang có 3 đơn hàng chưa thanh toán." in response.content.decode()
    assert (Order.objects.count(), Stock.objects.get(variant=variant).quantity) == before


def test_the_web_checkout_counts_the_client_ip_behind_the_proxy(variant, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for i in range(5):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
        client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
        form = {
            **ADDRESS,
            "email": f"s{i}@example.vn",
            "phone": f"09000000{i:02d}",
            "idempotency_key": client.session["checkout_token"],
            "payment_method": "cod",
        }
        assert client.post("/checkout/", form).status_code == 302
    assert set(Order.objects.values_list("client_ip", flat=True)) == {"203.0.113.5"}


def test_graphql_checkout_complete_answers_with_the_error_code(variant):
    for i in range(3):
        _order(variant, ip=f"10.0.0.{i}")
    checkout = filled_checkout((variant, 1))
    query = (
        """mutation($id: ID!) { checkoutComplete(id: $id) { order { id } errors { field code message } } }"""
    )
    response = Client(REMOTE_ADDR="10.9.9.9").post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": {"id": to_global_id("Checkout", str(checkout.token))}}),
        content_type="application/json",
    )
    payload = response.json()["data"]["checkoutComplete"]
    assert payload["order"] is None
    assert [(error["field"], error["code"]) for error in payload["errors"]] == [
        ("email", "TOO_MANY_OPEN_ORDERS")
    ]
    assert Order.objects.count() == 3
    assert Checkout.objects.filter(pk=checkout.pk).exists()
