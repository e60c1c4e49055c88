import pytest
from django.test import Client

from marketplace.catalog.models import Stock
from marketplace.orders.models import (
    ActorKind,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderPart,
    OrderStatus,
    PaymentState,
)
from marketplace.orders.services import order_mark_paid
from marketplace.payments.models import Payment
from tests.factories import MembershipFactory, StaffFactory, staff_with
from tests.factories.orders import buyable_variant, place_order

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


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


def _staff_client(*codenames: str) -> Client:
    from django.contrib.auth.models import Permission

    user = StaffFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="orders", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


def test_staff_cancel_orders_from_the_admin_with_a_reason(staff_client):
    variant = buyable_variant(quantity=10)
    order = place_order((variant, 4), payment_method="bank_transfer")
    ask = staff_client.post(
        "/admin/orders/order/", {"action": "cancel_orders", "_selected_action": [order.pk]}
    )
    assert ask.status_code == 200 and "Lý do hủy" in ask.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.UNCONFIRMED

    empty = {"action": "cancel_orders", "_selected_action": [order.pk], "apply": "1", "reason": " "}
    assert staff_client.post("/admin/orders/order/", empty).status_code == 200  # the form again
    assert Order.objects.get(pk=order.pk).status == OrderStatus.UNCONFIRMED

    response = staff_client.post("/admin/orders/order/", {**empty, "reason": "Đơn rác"}, follow=True)
    assert "Đã hủy 1 mục." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert Stock.objects.get(variant=variant).quantity == 10
    event = OrderEvent.objects.get(order=order)
    assert (event.actor_kind, event.reason) == (ActorKind.STAFF, "Đơn rác")
    page = staff_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "Đơn rác" in page  # the history inline


def test_staff_cancel_a_paid_part_and_find_it_under_refund_due(staff_client):
    variant = buyable_variant(quantity=10, price=100_000)
    order = place_order((variant, 1), (buyable_variant(quantity=10), 1), payment_method="bank_transfer")
    order_mark_paid(order=order, by=StaffFactory(is_superuser=True))
    part = order.parts.get(lines__variant=variant)
    response = staff_client.post(
        "/admin/orders/orderpart/",
        {"action": "cancel_parts", "_selected_action": [part.pk], "apply": "1", "reason": "Hết hàng"},
        follow=True,
    )
    assert "Đã hủy 1 mục." in response.content.decode()
    assert OrderPart.objects.get(pk=part.pk).status == OrderStatus.CANCELLED
    assert OrderEvent.objects.get(order=order, kind=OrderEventKind.REFUND_DUE).amount == 130_000
    listing = staff_client.get("/admin/orders/order/?refund_due=yes").content.decode()
    assert order.number in listing


def test_staff_without_the_change_permission_cannot_cancel():
    client = _staff_client("view_order")
    variant = buyable_variant(quantity=10)
    order = place_order((variant, 4))
    client.post(
        "/admin/orders/order/",
        {"action": "cancel_orders", "_selected_action": [order.pk], "apply": "1", "reason": "x"},
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 6
    assert not OrderEvent.objects.exists()


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
