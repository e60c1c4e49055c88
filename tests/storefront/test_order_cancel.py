"""The order page's cancel (/orders/<token>/cancel/): the guest holding the link, or the signed-in shopper
who placed it; a confirmation step; CSRF-protected; nobody else, and a refusal changes nothing."""

import re

import pytest
from django.test import Client

from marketplace.catalog.models import Stock
from marketplace.orders.models import ActorKind, Order, OrderEvent, OrderStatus
from marketplace.orders.services import order_mark_paid, order_part_mark_shipped
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_order():
    member = MembershipFactory()
    variant = buyable_variant(quantity=10, producer=member.producer)
    order = place_order((variant, 3), payment_method="bank_transfer")
    return order, variant, member.user


def _state(order, variant) -> tuple:
    return (
        Order.objects.get(pk=order.pk).status,
        Stock.objects.get(variant=variant).quantity,
        OrderEvent.objects.filter(order=order).count(),
    )


def _csrf_client() -> Client:
    """A browser-like client that must send the CSRF token it got from a page."""
    return Client(enforce_csrf_checks=True)


def _token_from(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_guest_cancels_after_confirming(guest_order):
    order, variant, _producer = guest_order
    client = _csrf_client()
    page = client.get(f"/orders/{order.token}/").content.decode()
    assert "data-order-cancel" in page
    assert 'data-confirm="Hủy đơn hàng này?' in page
    assert "onsubmit" not in page and "onclick" not in page  # the dialog lives in site.js (CSP)
    csrf = _token_from(page)

    # First submit (no JavaScript): the confirmation page, nothing cancelled yet.
    first = client.post(f"/orders/{order.token}/cancel/", {"csrfmiddlewaretoken": csrf, "reason": "Đặt nhầm"})
    assert first.status_code == 200
    html = first.content.decode()
    assert "data-order-cancel-confirm" in html and "Đặt nhầm" in html
    assert _state(order, variant) == (OrderStatus.UNCONFIRMED, 7, 0)

    done = client.post(
        f"/orders/{order.token}/cancel/",
        {"csrfmiddlewaretoken": _token_from(html), "reason": "Đặt nhầm", "confirmed": "1"},
    )
    assert done.status_code == 302 and done["Location"] == f"/orders/{order.token}/"
    assert _state(order, variant) == (OrderStatus.CANCELLED, 10, 1)
    event = OrderEvent.objects.get(order=order)
    assert (event.actor_kind, event.actor_user, event.reason) == (ActorKind.GUEST, None, "Đặt nhầm")
    after = client.get(f"/orders/{order.token}/").content.decode()
    assert "Đơn hàng đã được hủy." in after
    assert "data-order-cancel" not in after
    assert 'data-order-status="cancelled"' in after


def test_cancel_without_csrf_token_is_refused(guest_order):
    order, variant, _producer = guest_order
    response = _csrf_client().post(f"/orders/{order.token}/cancel/", {"confirmed": "1"})
    assert response.status_code == 403
    assert _state(order, variant) == (OrderStatus.UNCONFIRMED, 7, 0)


def test_unknown_token_is_404(guest_order):
    order, variant, _producer = guest_order
    response = Client().post("/orders/7d5b9a4e-1111-4222-8333-944445555666/cancel/", {"confirmed": "1"})
    assert response.status_code == 404
    assert _state(order, variant) == (OrderStatus.UNCONFIRMED, 7, 0)


def test_no_cancel_once_shipped_or_paid(guest_order):
    order, variant, producer = guest_order
    order_mark_paid(order=order, by=StaffFactory(is_superuser=True))
    page = Client().get(f"/orders/{order.token}/").content.decode()
    assert "data-order-cancel" not in page
    response = Client().post(f"/orders/{order.token}/cancel/", {"confirmed": "1"}, follow=True)
    assert (
        "Đơn đã thanh toán: vui lòng liên hệ Chợ OCOP để được hủy và hoàn tiền." in response.content.decode()
    )
    order_part_mark_shipped(part=order.parts.get(), by=producer, tracking_code="GHN")
    assert Client().get(f"/orders/{order.token}/cancel/").status_code == 302
    assert _state(order, variant) == (OrderStatus.SHIPPED, 7, 0)


def test_an_account_order_is_cancelled_by_its_shopper_only():
    owner = UserFactory()
    variant = buyable_variant(quantity=10)
    order = place_order((variant, 2), user=owner)
    anonymous, stranger = Client(), Client()
    stranger.force_login(UserFactory())
    for client in (anonymous, stranger):
        assert client.get(f"/orders/{order.token}/cancel/").status_code == 404
        assert client.post(f"/orders/{order.token}/cancel/", {"confirmed": "1"}).status_code == 404
        assert "data-order-cancel" not in client.get(f"/orders/{order.token}/").content.decode()
    assert _state(order, variant) == (OrderStatus.UNCONFIRMED, 8, 0)

    shopper = Client()
    shopper.force_login(owner)
    assert "data-order-cancel" in shopper.get(f"/orders/{order.token}/").content.decode()
    assert shopper.post(f"/orders/{order.token}/cancel/", {"confirmed": "1"}).status_code == 302
    assert _state(order, variant) == (OrderStatus.CANCELLED, 10, 1)
    assert OrderEvent.objects.get(order=order).actor_kind == ActorKind.SHOPPER


def test_too_long_reason_is_shown_not_saved(guest_order):
    order, variant, _producer = guest_order
    response = Client().post(f"/orders/{order.token}/cancel/", {"confirmed": "1", "reason": "x" * 501})
    assert response.status_code == 400
    assert _state(order, variant) == (OrderStatus.UNCONFIRMED, 7, 0)
