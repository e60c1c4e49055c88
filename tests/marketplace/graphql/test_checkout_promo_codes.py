"""Promo codes through the API, with operations of our own in the shapes Saleor's storefront sends
(checkoutAddPromoCode/checkoutRemovePromoCode with its CheckoutFragment's discount fields, the order's
voucher and discounts)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from marketplace.accounts.models import ThrottleEvent
from marketplace.checkout.models import Checkout
from marketplace.discounts.models import DiscountValueType, Voucher
from marketplace.orders.models import Order
from tests.factories import ProducerFactory
from tests.factories.discounts import VoucherFactory
from tests.factories.orders import buyable_variant, filled_checkout

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]

FIELDS = """
fragment OurMoney on Money { currency amount }
fragment OurCheckout on Checkout {
  id voucherCode discountName translatedDiscountName discount { ...OurMoney }
  subtotalPrice { gross { ...OurMoney } }
  totalPrice { gross { ...OurMoney } }
  lines { quantity unitPrice { gross { ...OurMoney } } undiscountedUnitPrice { ...OurMoney }
    undiscountedTotalPrice { amount }
    totalPrice { gross { ...OurMoney } } }
}
"""
ADD = (
    """mutation Add($checkoutId: ID, $promoCode: String!) {
  checkoutAddPromoCode(checkoutId: $checkoutId, promoCode: $promoCode) {
    errors { field message code } checkout { ...OurCheckout }
  }
}"""
    + FIELDS
)
REMOVE = (
    """mutation Remove($checkoutId: ID, $promoCode: String, $promoCodeId: ID) {
  checkoutRemovePromoCode(checkoutId: $checkoutId, promoCode: $promoCode, promoCodeId: $promoCodeId) {
    errors { field message code } checkout { ...OurCheckout }
  }
}"""
    + FIELDS
)
FIND = "query($id: ID!) { checkout(id: $id) { ...OurCheckout } }" + FIELDS
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) {
  errors { field code message }
  order { voucher { code } voucherCode discounts { type name amount { amount currency } }
    subtotal { gross { amount } } shippingPrice { gross { amount } } total { gross { amount } }
    undiscountedTotal { gross { amount } }
    lines { quantity unitPrice { gross { amount } } undiscountedUnitPrice { gross { amount } }
      totalPrice { gross { amount } } unitDiscount { amount } unitDiscountValue } }
} }"""


def vnd(amount) -> dict:
    return {"currency": "VND", "amount": float(amount)}


@pytest.fixture
def cart():
    """Coffee ×3 at 33.333 ₫ from one producer, tea ×1 at 250.000 ₫ from another; delivery chosen."""
    coffee_maker = ProducerFactory(name="HTX Cà phê")
    coffee = buyable_variant(price=33_333, producer=coffee_maker, name="Cà phê", slug="ca-phe")
    tea = buyable_variant(price=250_000, producer=ProducerFactory(), name="Trà", slug="tra")
    checkout = filled_checkout((coffee, 3), (tea, 1))
    return checkout, coffee_maker


def gid(checkout) -> str:
    return to_global_id("Checkout", str(checkout.token))


def test_a_producer_code_discounts_its_lines_and_the_order_keeps_it(api, cart):
    checkout, coffee_maker = cart
    VoucherFactory(code="CAPHE15", name="Cà phê giảm 15%", producer=coffee_maker, value=15)
    payload = api.data(ADD, {"checkoutId": gid(checkout), "promoCode": "caphe15"})["checkoutAddPromoCode"]
    assert payload["errors"] == []
    found = payload["checkout"]
    assert (found["voucherCode"], found["discountName"], found["translatedDiscountName"]) == (
        "CAPHE15",
        "Cà phê giảm 15%",
        "Cà phê giảm 15%",
    )
    assert found["discount"] == vnd(15_000)  # 15 % of 99.999 ₫, rounded half up
    assert found["subtotalPrice"]["gross"] == vnd(349_999 - 15_000)
    assert found["totalPrice"]["gross"] == vnd(349_999 - 15_000 + 60_000)
    assert found["lines"][0] == {
        "quantity": 3,
        "unitPrice": {"gross": vnd(28_333)},
        "undiscountedUnitPrice": vnd(33_333),
        "undiscountedTotalPrice": {"amount": 99_999.0},
        "totalPrice": {"gross": vnd(84_999)},
    }
    assert found["lines"][1]["totalPrice"]["gross"] == vnd(250_000)

    done = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert done["errors"] == []
    order = done["order"]
    assert order["voucher"] == {"code": "CAPHE15"} and order["voucherCode"] == "CAPHE15"
    assert order["discounts"] == [{"type": "VOUCHER", "name": "Cà phê giảm 15%", "amount": vnd(15_000)}]
    assert order["subtotal"]["gross"]["amount"] == 334_999
    assert order["total"]["gross"]["amount"] == 394_999
    assert order["undiscountedTotal"]["gross"]["amount"] == 409_999
    assert order["lines"][0]["totalPrice"]["gross"]["amount"] == 84_999
    assert order["lines"][0]["unitDiscount"]["amount"] == 5_000
    assert order["lines"][0]["unitDiscountValue"] == "5000"
    assert order["lines"][1]["unitDiscount"]["amount"] == 0
    assert Order.objects.get().total_amount == 394_999


@pytest.mark.parametrize(
    ("voucher", "code", "expected"),
    [
        ({}, "SAI-MA", ("INVALID", "Mã giảm giá không hợp lệ hoặc đã hết hạn.")),
        ({"is_active": False}, "GIAM", ("INVALID", "Mã giảm giá không hợp lệ hoặc đã hết hạn.")),
        (
            {"usage_limit": 1, "used": 1},
            "GIAM",
            ("VOUCHER_NOT_APPLICABLE", "Mã giảm giá đã hết lượt sử dụng."),
        ),
        (
            {"producer": "other"},
            "GIAM",
            ("VOUCHER_NOT_APPLICABLE", "Mã giảm giá chỉ áp dụng cho sản phẩm của HTX Khác."),
        ),
        ({}, "X" * 101, ("INVALID", "Promo code is invalid.")),
    ],
)
def test_refused_codes_answer_saleors_codes_and_change_nothing(api, cart, voucher, code, expected):
    checkout, _maker = cart
    if voucher.get("producer") == "other":
        voucher["producer"] = ProducerFactory(name="HTX Khác")
    VoucherFactory(code="GIAM", **voucher)
    payload = api.data(ADD, {"checkoutId": gid(checkout), "promoCode": code})["checkoutAddPromoCode"]
    assert payload == {
        "errors": [{"field": "promoCode", "code": expected[0], "message": expected[1]}],
        "checkout": None,
    }
    assert Checkout.objects.get().voucher_code == ""


def test_remove_takes_the_code_off(api, cart):
    checkout, _maker = cart
    VoucherFactory(code="SAN50K", value_type=DiscountValueType.FIXED, value=50_000)
    api.data(ADD, {"checkoutId": gid(checkout), "promoCode": "SAN50K"})
    other = api.data(REMOVE, {"checkoutId": gid(checkout), "promoCode": "KHAC"})["checkoutRemovePromoCode"]
    assert other["checkout"]["voucherCode"] == "SAN50K"  # not the code it holds: nothing changes
    payload = api.data(REMOVE, {"checkoutId": gid(checkout), "promoCode": "san50k"})[
        "checkoutRemovePromoCode"
    ]
    assert payload["errors"] == []
    assert payload["checkout"]["voucherCode"] is None
    assert payload["checkout"]["discount"] == vnd(0)
    assert payload["checkout"]["totalPrice"]["gross"] == vnd(409_999)


def test_guessing_codes_is_throttled_per_checkout(api, cart, settings):
    checkout, _maker = cart
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "promo_code_checkout": (3, 600)}
    codes = [
        api.data(ADD, {"checkoutId": gid(checkout), "promoCode": f"DOAN{i}"})["checkoutAddPromoCode"][
            "errors"
        ][0]
        for i in range(4)
    ]
    assert [error["code"] for error in codes] == ["INVALID"] * 4
    assert codes[3]["message"].startswith("Bạn đã thử quá nhiều mã giảm giá.")
    VoucherFactory(code="THAT")
    refused = api.data(ADD, {"checkoutId": gid(checkout), "promoCode": "THAT"})["checkoutAddPromoCode"]
    assert refused["checkout"] is None  # even the right code waits
    assert ThrottleEvent.objects.filter(scope="promo_code_checkout").count() == 3


def test_checkout_with_a_voucher_runs_constant_queries(api):
    maker = ProducerFactory()
    VoucherFactory(code="NHIEU", producer=maker, value=10, usage_limit_per_customer=2)
    checkout = filled_checkout()
    Checkout.objects.filter(pk=checkout.pk).update(voucher_code="NHIEU")
    from marketplace.checkout.models import CheckoutLine

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            data = api.data(FIND, {"id": gid(checkout)})
        assert data["checkout"]["voucherCode"] == "NHIEU"
        return len(queries)

    CheckoutLine.objects.create(checkout=checkout, variant=buyable_variant(producer=maker), quantity=1)
    one = count()
    for _ in range(5):
        CheckoutLine.objects.create(checkout=checkout, variant=buyable_variant(producer=maker), quantity=1)
    assert count() == one
    assert Voucher.objects.get().used == 0
    assert AnonymousUser() is not None
