"""orderCancel (Saleor's staff mutation) through the same service as the admin: every kind of caller, and a
denied call changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from graphql_relay import to_global_id

from marketplace.catalog.models import Stock
from marketplace.orders.models import ActorKind, Order, OrderEvent, OrderStatus
from marketplace.orders.services import order_part_mark_shipped
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db

CANCEL = """mutation($id: ID!, $reason: String) {
  orderCancel(id: $id, reason: $reason) { order { id status } errors { field code message } }
}"""


@pytest.fixture
def order_world():
    member = MembershipFactory()
    buyer = UserFactory()
    variant = buyable_variant(quantity=10, producer=member.producer)
    order = place_order((variant, 4), user=buyer)
    staff = StaffFactory()
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="change_order")
    )
    return {
        "order": order,
        "variant": variant,
        "member": member,
        "users": {
            "anonymous": None,
            "buyer": buyer,
            "producer": member.user,
            "staff_without_permission": StaffFactory(),
            "staff_with_permission": staff,
        },
    }


def _state(world) -> tuple:
    order = Order.objects.get(pk=world["order"].pk)
    return (order.status, Stock.objects.get(variant=world["variant"]).quantity, OrderEvent.objects.count())


@pytest.mark.parametrize("actor", ["anonymous", "buyer", "producer", "staff_without_permission"])
def test_only_staff_with_the_permission_may_call_order_cancel(api, order_world, actor):
    before = _state(order_world)
    variables = {"id": to_global_id("Order", str(order_world["order"].token))}
    body = api(CANCEL, variables, user=order_world["users"][actor])
    assert body["data"] == {"orderCancel": None}
    assert [error["extensions"]["exception"]["code"] for error in body["errors"]] == ["PermissionDenied"]
    assert _state(order_world) == before == (OrderStatus.UNCONFIRMED, 6, 0)


def test_staff_cancel_through_the_api_restocks_and_records_the_reason(api, order_world):
    staff = order_world["users"]["staff_with_permission"]
    order_id = to_global_id("Order", str(order_world["order"].token))
    payload = api.data(CANCEL, {"id": order_id, "reason": "Khách gọi hủy"}, user=staff)["orderCancel"]
    assert payload == {"order": {"id": order_id, "status": "CANCELED"}, "errors": []}
    assert _state(order_world) == (OrderStatus.CANCELLED, 10, 1)
    event = OrderEvent.objects.get()
    assert (event.actor_kind, event.actor_user, event.reason) == (ActorKind.STAFF, staff, "Khách gọi hủy")

    # Saleor's clients send no reason: a default one is recorded.
    other = place_order((order_world["variant"], 1))
    other_id = to_global_id("Order", str(other.token))
    assert api.data(CANCEL, {"id": other_id}, user=staff)["orderCancel"]["errors"] == []
    assert OrderEvent.objects.get(order=other).reason == "Hủy bởi quản trị viên qua API"


def test_order_cancel_refusals_are_payload_errors(api, order_world):
    staff = order_world["users"]["staff_with_permission"]
    order = order_world["order"]
    order_part_mark_shipped(part=order.parts.get(), by=order_world["member"].user, tracking_code="GHN")
    before = _state(order_world)
    body = api.data(CANCEL, {"id": to_global_id("Order", str(order.token))}, user=staff)["orderCancel"]
    assert body["order"] is None
    assert body["errors"] == [
        {
            "field": "status",
            "code": "CANNOT_CANCEL_ORDER",
            "message": "Đơn đã có hàng đang giao hoặc đã giao: không thể hủy.",
        }
    ]
    assert _state(order_world) == before

    missing = api.data(
        CANCEL, {"id": to_global_id("Order", "8a0e7c1e-4f7e-4a59-9d8e-0c8b7d9b1a11")}, user=staff
    )
    assert missing["orderCancel"]["errors"][0]["code"] == "NOT_FOUND"
