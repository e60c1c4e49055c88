import pytest
from django.test import Client

from marketplace.orders.models import Order, OrderPart, OrderStatus, PaymentState
from marketplace.payments.models import Payment
from tests.factories import MembershipFactory, staff_with
from tests.factories_orders import buyable_variant, place_order

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


def _rows(order) -> dict:
    return {
        "order": list(Order.objects.filter(pk=order.pk).values()),
        "parts": list(OrderPart.objects.filter(order=order).order_by("pk").values()),
        "payments": list(Payment.objects.filter(order=order).order_by("pk").values()),
    }


def test_staff_without_the_order_permission_cannot_mark_paid_even_as_a_producer_member():
    """The admin action is offered only with orders.change_order; the service checks it again."""
    member = MembershipFactory(user=staff_with("orders.view_order"))
    order = place_order((buyable_variant(producer=member.producer), 1), payment_method="bank_transfer")
    before = _rows(order)
    client = Client()
    client.force_login(member.user)
    page = client.get("/admin/orders/order/").content.decode()
    assert 'value="mark_paid"' not in page
    client.post("/admin/orders/order/", {"action": "mark_paid", "_selected_action": [order.pk]})
    assert _rows(order) == before
