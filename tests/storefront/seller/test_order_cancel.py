"""The portal's "Hủy phần đơn": the producer's own part, with a reason and a confirmation step."""

import pytest
from django.test import Client

from marketplace.catalog.models import Stock
from marketplace.orders.models import ActorKind, OrderEvent, OrderPart, OrderStatus
from marketplace.orders.services import order_mark_paid
from tests.factories import ProducerFactory, StaffFactory
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    a, b = ProducerFactory(slug="htx-a"), ProducerFactory(slug="htx-b")
    client = Client()
    client.force_login(member_of(a))
    mine = buyable_variant(producer=a, quantity=10)
    theirs = buyable_variant(producer=b, quantity=10)
    order = place_order((mine, 2), (theirs, 1), payment_method="bank_transfer")
    return {
        "client": client,
        "order": order,
        "mine": order.parts.get(producer=a),
        "theirs": order.parts.get(producer=b),
        "variants": (mine, theirs),
    }


def _state(shop) -> tuple:
    mine, theirs = shop["variants"]
    return (
        tuple(OrderPart.objects.filter(order=shop["order"]).order_by("pk").values_list("status", flat=True)),
        Stock.objects.get(variant=mine).quantity,
        Stock.objects.get(variant=theirs).quantity,
        OrderEvent.objects.count(),
    )


def test_producer_cancels_its_part_with_reason_after_confirming(shop):
    client, part = shop["client"], shop["mine"]
    page = client.get(f"/seller/htx-a/orders/{part.pk}/").content.decode()
    assert 'data-action="cancel-part"' in page and "data-confirm=" in page
    url = f"/seller/htx-a/orders/{part.pk}/cancel/"

    missing = client.post(url, {"reason": "  ", "confirmed": "1"})
    assert missing.status_code == 400
    assert "Trường này là bắt buộc." in missing.content.decode()
    first = client.post(url, {"reason": "Hết hàng vụ này"})
    assert first.status_code == 200 and "data-part-cancel-confirm" in first.content.decode()
    assert _state(shop) == (("unconfirmed", "unconfirmed"), 8, 9, 0)

    done = client.post(url, {"reason": "Hết hàng vụ này", "confirmed": "1"})
    assert done.status_code == 302
    assert _state(shop) == ((OrderStatus.CANCELLED, OrderStatus.UNCONFIRMED), 10, 9, 1)
    event = OrderEvent.objects.get()
    assert (event.actor_kind, event.reason, event.part_id) == (ActorKind.PRODUCER, "Hết hàng vụ này", part.pk)
    after = client.get(f"/seller/htx-a/orders/{part.pk}/").content.decode()
    assert 'data-order-event="cancelled"' in after and "Hết hàng vụ này" in after
    assert 'data-action="cancel-part"' not in after


def test_another_producers_part_is_404_and_unchanged(shop):
    response = shop["client"].post(
        f"/seller/htx-a/orders/{shop['theirs'].pk}/cancel/", {"reason": "x", "confirmed": "1"}
    )
    assert response.status_code == 404
    response = shop["client"].post(
        f"/seller/htx-b/orders/{shop['theirs'].pk}/cancel/", {"reason": "x", "confirmed": "1"}
    )
    assert response.status_code == 404
    assert _state(shop) == (("unconfirmed", "unconfirmed"), 8, 9, 0)


def test_a_paid_part_goes_to_staff(shop):
    order_mark_paid(order=shop["order"], by=StaffFactory(is_superuser=True))
    client, part = shop["client"], shop["mine"]
    page = client.get(f"/seller/htx-a/orders/{part.pk}/").content.decode()
    assert 'data-action="cancel-part"' not in page
    assert "liên hệ quản trị viên" in page
    response = client.post(
        f"/seller/htx-a/orders/{part.pk}/cancel/", {"reason": "x", "confirmed": "1"}, follow=True
    )
    assert "chỉ quản trị viên Chợ OCOP có thể hủy" in response.content.decode()
    assert _state(shop) == (("confirmed", "confirmed"), 8, 9, 0)
