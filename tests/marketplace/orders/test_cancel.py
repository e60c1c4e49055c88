"""Cancels that return stock (issue 12, finding 5): the producer's own part, staff, the buyer (signed in, or a
guest holding the order's token). Every refusal leaves stock, statuses, payments and history unchanged."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

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
from marketplace.orders.policies import GuestTokenActor
from marketplace.orders.services import (
    order_cancel,
    order_mark_paid,
    order_part_cancel,
    order_part_mark_shipped,
    order_payment_received,
)
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.vietqr import vietqr_payload_for_order
from marketplace.producers.policies import SYSTEM_WEBHOOK, is_staff_with
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.factories.orders import buyable_variant, place_order

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def staff_with(*codenames: str):
    user = StaffFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="orders", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def world():
    """A guest's bank-transfer order with a part from each of two producers (coffee × 2 from A, tea × 1
    from B); 10 units of each before the order."""
    a, b = MembershipFactory(), MembershipFactory()
    coffee = buyable_variant(quantity=10, producer=a.producer, price=100_000)
    tea = buyable_variant(quantity=10, producer=b.producer, price=50_000)
    order = place_order((coffee, 2), (tea, 1), payment_method="bank_transfer")
    parts = {part.producer_id: part for part in order.parts.all()}
    return {
        "order": order,
        "a": a.user,
        "b": b.user,
        "part_a": parts[a.producer_id],
        "part_b": parts[b.producer_id],
        "coffee": coffee,
        "tea": tea,
    }


def snapshot(world) -> tuple:
    """Everything a cancel may change."""
    order = Order.objects.get(pk=world["order"].pk)
    return (
        order.status,
        order.payment_state,
        tuple(OrderPart.objects.filter(order=order).order_by("pk").values_list("status", flat=True)),
        Stock.objects.get(variant=world["coffee"]).quantity,
        Stock.objects.get(variant=world["tea"]).quantity,
        tuple(Payment.objects.filter(order=order).values_list("status", flat=True)),
        OrderEvent.objects.filter(order=order).count(),
    )


def _events(order) -> list[tuple]:
    return list(
        OrderEvent.objects.filter(order=order)
        .order_by("id")
        .values_list("kind", "part_id", "actor_kind", "actor_name", "reason", "amount")
    )


# --- The producer's own part ---------------------------------------------------------------------------


def test_producer_cancels_its_own_part_with_a_reason(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_part_cancel(part=world["part_a"], by=world["a"], reason="  Hết hàng vụ này  ")
    assert snapshot(world) == (
        OrderStatus.UNCONFIRMED,  # B's part lives on
        PaymentState.UNPAID,
        (OrderStatus.CANCELLED, OrderStatus.UNCONFIRMED),
        10,
        9,
        (PaymentStatus.PENDING,),
        1,
    )
    assert _events(world["order"]) == [
        (
            OrderEventKind.CANCELLED,
            world["part_a"].pk,
            ActorKind.PRODUCER,
            world["a"].email,
            "Hết hàng vụ này",
            0,
        )
    ]
    assert OrderEvent.objects.get().actor_user == world["a"]
    # The shopper hears it; producer A cancelled it itself, producer B is not concerned.
    assert [message.to for message in mail.outbox] == [[world["order"].email]]
    assert "Lý do: Hết hàng vụ này" in mail.outbox[0].body
    assert "Một phần đơn hàng" in mail.outbox[0].body
    assert "Số tiền còn phải thanh toán cho phần còn lại: 80.000 ₫." in mail.outbox[0].body


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_part_cancel_without_a_usable_reason_changes_nothing(world, reason):
    before = snapshot(world)
    with pytest.raises(ValidationError) as exc:
        order_part_cancel(part=world["part_a"], by=world["a"], reason=reason)
    assert exc.value.error_dict["reason"][0].code in {"required", "invalid"}
    assert snapshot(world) == before


@pytest.mark.parametrize("who", ["other producer", "shopper", "anonymous", "guest token"])
def test_only_the_producer_or_staff_cancel_a_part(world, who):
    actor = {
        "other producer": world["b"],
        "shopper": UserFactory(),
        "anonymous": AnonymousUser(),
        "guest token": GuestTokenActor(token=world["order"].token),
    }[who]
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        order_part_cancel(part=world["part_a"], by=actor, reason="Không giao được")
    assert snapshot(world) == before


def test_a_shipped_part_cannot_be_cancelled(world):
    order_part_mark_shipped(part=world["part_a"], by=world["a"], tracking_code="GHN1")
    before = snapshot(world)
    with pytest.raises(ValidationError) as exc:
        order_part_cancel(part=world["part_a"], by=world["a"], reason="Đổi ý")
    assert exc.value.error_dict["status"][0].code == "invalid_transition"
    assert snapshot(world) == before
    assert before[3] == 8  # the shipped coffee stays sold


def test_a_producer_cannot_cancel_a_paid_part_staff_can_and_a_refund_becomes_due(world):
    order_mark_paid(order=world["order"], by=staff_with("change_order"))
    before = snapshot(world)
    with pytest.raises(ValidationError) as exc:
        order_part_cancel(part=world["part_a"], by=world["a"], reason="Hết hàng")
    assert exc.value.error_dict["status"][0].code == "already_paid"
    assert "quản trị viên" in exc.value.messages[0]
    assert snapshot(world) == before

    staff = staff_with("change_order")
    order_part_cancel(part=world["part_a"], by=staff, reason="Người bán hết hàng, hoàn tiền phần cà phê")
    part_a = world["part_a"]
    assert snapshot(world)[2:5] == ((OrderStatus.CANCELLED, OrderStatus.CONFIRMED), 10, 9)
    assert Order.objects.get(pk=world["order"].pk).payment_state == PaymentState.PAID
    refund = part_a.subtotal_amount + part_a.shipping_amount
    assert _events(world["order"])[-2:] == [
        (
            OrderEventKind.CANCELLED,
            part_a.pk,
            ActorKind.STAFF,
            staff.email,
            "Người bán hết hàng, hoàn tiền phần cà phê",
            0,
        ),
        (
            OrderEventKind.REFUND_DUE,
            None,
            ActorKind.STAFF,
            staff.email,
            "Người bán hết hàng, hoàn tiền phần cà phê",
            refund,
        ),
    ]
    assert refund == 230_000  # 2 × 100.000 ₫ + 30.000 ₫ shipping


# --- Staff ---------------------------------------------------------------------------------------------


def test_staff_without_the_permission_cannot_cancel(world):
    staff = staff_with("view_order")
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        order_cancel(order=world["order"], by=staff, reason="Đơn giả")
    with pytest.raises(PermissionDenied):
        order_part_cancel(part=world["part_a"], by=staff, reason="Đơn giả")
    assert snapshot(world) == before


def test_staff_cancel_the_whole_order_with_a_reason(world, django_capture_on_commit_callbacks):
    staff = staff_with("change_order")
    before = snapshot(world)
    with pytest.raises(ValidationError) as exc:
        order_cancel(order=world["order"], by=staff, reason=" ")
    assert exc.value.error_dict["reason"][0].code == "required"
    assert snapshot(world) == before

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=world["order"], by=staff, reason="Đơn đặt thử")
    assert snapshot(world) == (
        OrderStatus.CANCELLED,
        PaymentState.UNPAID,
        (OrderStatus.CANCELLED, OrderStatus.CANCELLED),
        10,
        10,
        (PaymentStatus.FAILED,),
        2,
    )
    assert {row[2] for row in _events(world["order"])} == {ActorKind.STAFF}
    # The shopper and both producers (neither cancelled it) are told.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world["order"].email, world["a"].email, world["b"].email]
    )


def test_staff_cancel_of_a_paid_card_order_records_the_whole_refund(world):
    order = world["order"]
    Order.objects.filter(pk=order.pk).update(payment_method="card")
    order_payment_received(order=order, by=SYSTEM_WEBHOOK)
    order_cancel(order=order, by=staff_with("change_order"), reason="Khách gọi điện hủy, hoàn tiền thẻ")
    order.refresh_from_db()
    assert (order.status, order.payment_state) == (OrderStatus.CANCELLED, PaymentState.PAID)
    refund = OrderEvent.objects.get(order=order, kind=OrderEventKind.REFUND_DUE)
    assert refund.amount == order.total_amount == 2 * 100_000 + 50_000 + 2 * 30_000
    assert snapshot(world)[3:5] == (10, 10)


# --- The buyer -----------------------------------------------------------------------------------------


def test_a_guest_cancels_through_the_order_token(world, django_capture_on_commit_callbacks):
    order = world["order"]
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, by=GuestTokenActor(token=order.token), reason="Đặt nhầm")
    assert snapshot(world) == (
        OrderStatus.CANCELLED,
        PaymentState.UNPAID,
        (OrderStatus.CANCELLED, OrderStatus.CANCELLED),
        10,
        10,
        (PaymentStatus.FAILED,),
        2,
    )
    assert {(row[2], row[3], row[4]) for row in _events(order)} == {(ActorKind.GUEST, "guest", "Đặt nhầm")}
    assert OrderEvent.objects.filter(actor_user__isnull=False).count() == 0
    assert len(mail.outbox) == 3
    assert "Đơn hàng DH" in mail.outbox[0].body and "đã bị hủy" in mail.outbox[0].body


@pytest.mark.parametrize(
    "actor",
    [
        lambda order: GuestTokenActor(token=uuid.uuid4()),  # wrong token
        lambda order: AnonymousUser(),  # no token at all
        lambda order: None,
        lambda order: UserFactory(),  # signed in, not the buyer
        lambda order: MembershipFactory().user,  # a producer outside the order
    ],
    ids=["wrong token", "anonymous", "none", "another shopper", "outside producer"],
)
def test_nobody_else_cancels_a_guest_order(world, actor):
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        order_cancel(order=world["order"], by=actor(world["order"]))
    assert snapshot(world) == before


def test_a_producer_of_the_order_cannot_cancel_the_whole_order(world):
    before = snapshot(world)
    with pytest.raises(PermissionDenied):
        order_cancel(order=world["order"], by=world["a"], reason="Hết hàng")
    assert snapshot(world) == before


def test_signed_in_shopper_cancels_own_order_but_not_anothers():
    owner, other = UserFactory(), UserFactory()
    variant = buyable_variant(quantity=5)
    mine = place_order((variant, 2), user=owner)
    theirs = place_order((variant, 1), user=other)
    # The token of an order placed from an account is not a guest's credential for it.
    for actor in (other, GuestTokenActor(token=mine.token)):
        with pytest.raises(PermissionDenied):
            order_cancel(order=mine, by=actor)
    assert Order.objects.get(pk=mine.pk).status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 2

    order_cancel(order=mine, by=owner)
    assert Order.objects.get(pk=mine.pk).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=theirs.pk).status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 4
    assert _events(mine) == [
        (OrderEventKind.CANCELLED, mine.parts.get().pk, ActorKind.SHOPPER, owner.email, "", 0)
    ]


def test_the_buyer_cannot_cancel_once_any_part_shipped(world):
    order_part_mark_shipped(part=world["part_b"], by=world["b"], tracking_code="VTP1")
    before = snapshot(world)
    assert before[0] == OrderStatus.UNCONFIRMED  # the order follows its least advanced part
    with pytest.raises(ValidationError) as exc:
        order_cancel(order=world["order"], by=GuestTokenActor(token=world["order"].token))
    assert exc.value.error_dict["status"][0].code == "invalid_transition"
    assert snapshot(world) == before


def test_the_buyer_cannot_cancel_a_paid_order(world):
    order_mark_paid(order=world["order"], by=staff_with("change_order"))
    before = snapshot(world)
    with pytest.raises(ValidationError) as exc:
        order_cancel(order=world["order"], by=GuestTokenActor(token=world["order"].token))
    assert exc.value.error_dict["status"][0].code == "already_paid"
    assert exc.value.messages == ["Đơn đã thanh toán: vui lòng liên hệ Chợ OCOP để được hủy và hoàn tiền."]
    assert snapshot(world) == before


def test_a_cancelled_order_cannot_be_cancelled_again(world):
    guest = GuestTokenActor(token=world["order"].token)
    order_cancel(order=world["order"], by=guest)
    before = snapshot(world)
    with pytest.raises(ValidationError):
        order_cancel(order=world["order"], by=guest)
    assert snapshot(world) == before
    assert before[3:5] == (10, 10)  # restocked once


def test_order_events_are_append_only(world):
    order_part_cancel(part=world["part_a"], by=world["a"], reason="Hết hàng")
    event = OrderEvent.objects.get()
    event.reason = "sửa lại"
    with pytest.raises(ValueError):
        event.save()
    assert OrderEvent.objects.get().reason == "Hết hàng"


# --- What an unpaid order still asks for -----------------------------------------------------------


def test_a_partial_cancel_lowers_what_an_unpaid_order_asks_for(world, client):
    order = world["order"]
    assert (order.total_amount, Payment.objects.get(order=order).amount) == (310_000, 310_000)
    order_part_cancel(part=world["part_a"], by=world["a"], reason="Hết hàng")
    order.refresh_from_db()
    # Only B's tea is left: 50.000 ₫ + 30.000 ₫ shipping.
    assert (order.subtotal_amount, order.shipping_amount, order.total_amount) == (50_000, 30_000, 80_000)
    assert Payment.objects.get(order=order).amount == 80_000
    page = client.get(f"/orders/{order.token}/").content.decode()
    assert 'data-order-total="80000"' in page
    assert "<dt>Số tiền</dt><dd>80.000 ₫</dd>" in page
    assert "540580000" in vietqr_payload_for_order(order)  # EMVCo field 54: the amount, 5 digits


def test_a_card_payment_in_flight_blocks_a_partial_cancel(world):
    order = world["order"]
    Order.objects.filter(pk=order.pk).update(payment_method="card")
    Payment.objects.filter(order=order).update(method="card", stripe_payment_intent_id="pi_in_flight")
    before = snapshot(world)
    with pytest.raises(ValidationError) as exc:
        order_part_cancel(part=world["part_a"], by=world["a"], reason="Hết hàng")
    assert exc.value.messages == [
        "Khách đang thanh toán thẻ cho đơn này: chưa thể hủy một phần; thử lại sau ít phút."
    ]
    assert snapshot(world) == before
    assert Order.objects.get(pk=order.pk).total_amount == 310_000


def test_a_guest_token_is_a_full_actor_holding_no_permission():
    # The policy's actor protocol includes has_perm; a token holder answers it (no) instead of crashing.
    guest = GuestTokenActor(token=uuid.uuid4())
    assert guest.has_perm("orders.change_order") is False
    assert is_staff_with(guest, "orders.change_order") is False
