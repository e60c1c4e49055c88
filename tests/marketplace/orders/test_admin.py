import pytest

from marketplace.orders.models import Order, OrderStatus, PaymentState
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def test_staff_marks_a_bank_transfer_paid_from_the_admin(staff_client):
    order = place_order((buyable_variant(), 1), payment_method="bank_transfer")
    response = staff_client.post(
        "/admin/orders/order/", {"action": "mark_paid", "_selected_action": [order.pk]}, follow=True
    )
    assert response.status_code == 200
    order = Order.objects.get(pk=order.pk)
    assert (order.payment_state, order.status) == (PaymentState.PAID, OrderStatus.CONFIRMED)


def test_order_admin_pages_open(staff_client):
    order = place_order((buyable_variant(), 1))
    assert staff_client.get("/admin/orders/order/").status_code == 200
    assert staff_client.get(f"/admin/orders/order/{order.pk}/change/").status_code == 200
    assert staff_client.get("/admin/payments/payment/").status_code == 200
    assert staff_client.get(f"/admin/orders/orderpart/{order.parts.get().pk}/change/").status_code == 200


def test_shopper_cannot_reach_the_order_admin(shopper_client):
    order = place_order((buyable_variant(), 1), payment_method="bank_transfer")
    shopper_client.post("/admin/orders/order/", {"action": "mark_paid", "_selected_action": [order.pk]})
    assert Order.objects.get(pk=order.pk).payment_state == PaymentState.UNPAID
