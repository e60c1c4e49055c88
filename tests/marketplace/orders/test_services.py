import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.catalog.models import Stock
from marketplace.orders.models import Order, OrderPart, OrderStatus, PaymentState
from marketplace.orders.selectors import order_parts_for_producer, orders_for_user
from marketplace.orders.services import (
    order_cancel,
    order_mark_paid,
    order_part_cancel,
    order_part_confirm,
    order_part_mark_delivered,
    order_part_mark_shipped,
)
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.producers.policies import SYSTEM_WEBHOOK
from tests.factories import MembershipFactory, StaffFactory, UserFactory, staff_with
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_producer_order():
    a, b = MembershipFactory(), MembershipFactory()
    coffee = buyable_variant(quantity=10, producer=a.producer)
    tea = buyable_variant(quantity=10, producer=b.producer)
    order = place_order((coffee, 2), (tea, 1))
    parts = {part.producer_id: part for part in order.parts.all()}
    return order, (a.user, parts[a.producer_id], coffee), (b.user, parts[b.producer_id], tea)


def _status(order) -> str:
    return Order.objects.get(pk=order.pk).status


def test_pipeline_order_follows_the_least_advanced_part(two_producer_order):
    order, (user_a, part_a, _), (user_b, part_b, _) = two_producer_order
    order_part_confirm(part=part_a, by=user_a)
    assert _status(order) == OrderStatus.UNCONFIRMED
    order_part_confirm(part=part_b, by=user_b)
    assert _status(order) == OrderStatus.CONFIRMED
    shipped = order_part_mark_shipped(part=part_a, by=user_a, tracking_code="GHN123")
    assert (shipped.status, shipped.tracking_code) == (OrderStatus.SHIPPED, "GHN123")
    assert _status(order) == OrderStatus.CONFIRMED
    order_part_mark_shipped(part=part_b, by=user_b, tracking_code="VTP9")
    assert _status(order) == OrderStatus.SHIPPED
    order_part_mark_delivered(part=part_a, by=user_a)
    order_part_mark_delivered(part=part_b, by=user_b)
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.DELIVERED
    assert order.payment_state == PaymentState.PAID  # cash collected on delivery
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED


def test_a_producer_cannot_touch_another_producers_part(two_producer_order):
    _order, (user_a, _part_a, _), (_user_b, part_b, _) = two_producer_order
    with pytest.raises(PermissionDenied):
        order_part_mark_shipped(part=part_b, by=user_a, tracking_code="X")
    with pytest.raises(PermissionDenied):
        order_part_confirm(part=part_b, by=UserFactory())
    part_b.refresh_from_db()
    assert (part_b.status, part_b.tracking_code) == (OrderStatus.UNCONFIRMED, "")


def test_invalid_transition_is_refused(two_producer_order):
    _order, (user_a, part_a, _), _ = two_producer_order
    with pytest.raises(ValidationError) as exc:
        order_part_mark_delivered(part=part_a, by=user_a)
    assert exc.value.error_dict["status"][0].code == "invalid_transition"
    part_a.refresh_from_db()
    assert part_a.status == OrderStatus.UNCONFIRMED


def test_part_cancel_restocks_only_that_part(two_producer_order):
    order, (user_a, part_a, coffee), (_user_b, _part_b, tea) = two_producer_order
    order_part_cancel(part=part_a, by=user_a, reason="Hết hàng")
    assert Stock.objects.get(variant=coffee).quantity == 10
    assert Stock.objects.get(variant=tea).quantity == 9
    assert _status(order) == OrderStatus.UNCONFIRMED  # the other part lives on


def test_shopper_cancel_before_shipping_restocks_everything():
    shopper = UserFactory()
    variant = buyable_variant(quantity=4)
    order = place_order((variant, 3), user=shopper)
    order_cancel(order=order, by=shopper)
    assert _status(order) == OrderStatus.CANCELLED
    assert set(OrderPart.objects.filter(order=order).values_list("status", flat=True)) == {"cancelled"}
    assert Stock.objects.get(variant=variant).quantity == 4


def test_cancel_after_shipping_is_refused():
    member = MembershipFactory()
    shopper = UserFactory()
    variant = buyable_variant(quantity=4, producer=member.producer)
    order = place_order((variant, 1), user=shopper)
    order_part_mark_shipped(part=order.parts.get(), by=member.user, tracking_code="")
    with pytest.raises(ValidationError):
        order_cancel(order=order, by=shopper)
    assert _status(order) == OrderStatus.SHIPPED
    assert Stock.objects.get(variant=variant).quantity == 3


def test_someone_else_cannot_cancel():
    order = place_order((buyable_variant(), 1), user=UserFactory())
    with pytest.raises(PermissionDenied):
        order_cancel(order=order, by=UserFactory())
    assert _status(order) == OrderStatus.UNCONFIRMED


def _money_rows(order) -> dict:
    return {
        "order": list(Order.objects.filter(pk=order.pk).values()),
        "parts": list(OrderPart.objects.filter(order=order).order_by("pk").values()),
        "payments": list(Payment.objects.filter(order=order).order_by("pk").values()),
    }


def test_no_producer_confirms_a_bank_transfer_only_staff_with_permission_or_reconciliation():
    """Finding 2: a member of one producer in a two-producer order once confirmed the whole order paid."""
    a, b = MembershipFactory(), MembershipFactory()
    order = place_order(
        (buyable_variant(producer=a.producer), 1),
        (buyable_variant(producer=b.producer), 1),
        payment_method="bank_transfer",
    )
    before = _money_rows(order)
    refused = [a.user, b.user, MembershipFactory().user, UserFactory(), StaffFactory(), None]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            order_mark_paid(order=order, by=actor)
        assert _money_rows(order) == before, actor

    order_mark_paid(order=order, by=staff_with("orders.change_order"))
    order = Order.objects.get(pk=order.pk)
    assert (order.payment_state, order.status) == (PaymentState.PAID, OrderStatus.CONFIRMED)
    assert order.paid_at is not None
    assert set(order.parts.values_list("status", flat=True)) == {OrderStatus.CONFIRMED}
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    paid = _money_rows(order)
    order_mark_paid(order=order, by=SYSTEM_WEBHOOK)  # reconciliation, idempotent
    assert _money_rows(order) == paid


@pytest.mark.parametrize("size", [1, 10])
def test_producer_parts_selector_is_scoped_and_constant(django_assert_num_queries, size):
    member = MembershipFactory()
    other = MembershipFactory()
    mine = buyable_variant(quantity=100, producer=member.producer)
    theirs = buyable_variant(quantity=100, producer=other.producer)
    for _ in range(size):
        place_order((mine, 1), (theirs, 1))
    with django_assert_num_queries(2):
        parts = list(order_parts_for_producer(producer_id=member.producer_id))
        lines = [line for part in parts for line in part.lines.all()]
        assert {part.order.email for part in parts} == {"khach@example.vn"}
    assert len(parts) == size
    assert {line.sku for line in lines} == {mine.sku}


@pytest.mark.parametrize("size", [1, 10])
def test_account_orders_selector_is_constant(django_assert_num_queries, size):
    shopper = UserFactory()
    variant = buyable_variant(quantity=100)
    for _ in range(size):
        place_order((variant, 1), user=shopper)
    place_order((variant, 1), user=UserFactory())
    with django_assert_num_queries(4):
        orders = list(orders_for_user(user=shopper))
        names = [part.producer.name for order in orders for part in order.parts.all()]
        _ = [line.sku for order in orders for part in order.parts.all() for line in part.lines.all()]
    assert len(orders) == len(names) == size
