"""A promo code in the server-rendered cart (/cart/promo/), through to the order page (issue 13)."""

import pytest
from django.test import Client

from marketplace.checkout.models import Checkout
from marketplace.discounts.models import DiscountValueType
from marketplace.orders.models import Order
from tests.factories.discounts import VoucherFactory
from tests.factories.orders import ADDRESS, buyable_variant

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def test_a_code_typed_in_the_cart_discounts_the_order(client: Client):
    variant = buyable_variant(price=185_000)
    VoucherFactory(code="SAN50K", name="Chợ OCOP tặng", value_type=DiscountValueType.FIXED, value=50_000)
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})
    wrong = client.post("/cart/promo/", {"code": "khong-co"}, follow=True).content.decode()
    assert "Mã giảm giá không hợp lệ hoặc đã hết hạn." in wrong
    assert Checkout.objects.get().voucher_code == ""

    html = client.post("/cart/promo/", {"code": "san50k"}, follow=True).content.decode()
    assert "Đã áp dụng mã SAN50K." in html
    assert 'data-discount-vnd="50000"' in html
    assert 'data-cart-total="350000"' in html  # 370.000 − 50.000 + 30.000 shipping

    token = client.session["checkout_token"]
    form = {**ADDRESS, "idempotency_key": token, "payment_method": "cod", "note": ""}
    response = client.post("/checkout/", form)
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.discount_amount, order.total_amount, order.voucher_code) == (50_000, 350_000, "SAN50K")
    page = client.get(response["Location"]).content.decode()
    assert 'data-discount-vnd="50000"' in page and 'data-order-total="350000"' in page


def test_removing_the_code(client: Client):
    variant = buyable_variant(price=185_000)
    VoucherFactory(code="GIAM10")
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
    client.post("/cart/promo/", {"code": "GIAM10"})
    assert Checkout.objects.get().voucher_code == "GIAM10"
    html = client.post("/cart/promo/", {"remove": "1"}, follow=True).content.decode()
    assert "Đã bỏ mã giảm giá." in html
    assert Checkout.objects.get().voucher_code == ""
