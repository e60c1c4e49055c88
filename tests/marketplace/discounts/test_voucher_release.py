"""A voucher's use goes back when its whole order is cancelled (by the buyer, by the producer cancelling the
last live part, by staff, by the unpaid-transfer release task), in the cancel's transaction; a partly
cancelled, shipped or refunded order keeps it."""

import datetime
from functools import partial

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.checkout.services import checkout_promo_code_add
from marketplace.discounts.models import Voucher, VoucherUsage
from marketplace.discounts.services import voucher_usage_release
from marketplace.orders.models import Order, OrderPart, OrderStatus
from marketplace.orders.services import (
    order_cancel,
    order_mark_refunded,
    order_part_cancel,
    orders_release_expired_transfers,
)
from marketplace.payments.services import order_cancel_with_payment
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import MembershipFactory, UserFactory, staff_with
from tests.factories.discounts import VoucherFactory
from tests.factories.money import deliver, pay_by_transfer
from tests.factories.orders import buyable_variant, filled_checkout, place_order
from tests.threads import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _counts(voucher) -> tuple[int, list[bool]]:
    """The voucher's count and, per usage row, whether it is released."""
    released = [usage.released_at is not None for usage in VoucherUsage.objects.filter(voucher=voucher)]
    return Voucher.objects.get(pk=voucher.pk).used, released


def test_the_buyer_cancelling_gives_the_use_back_and_the_shopper_may_use_it_again():
    buyer = UserFactory(email="khach@example.vn")
    voucher = VoucherFactory(code="MOTLAN", usage_limit=1, usage_limit_per_customer=1)
    variant = buyable_variant(quantity=10)
    order = place_order((variant, 1), user=buyer, voucher_code="MOTLAN")
    assert _counts(voucher) == (1, [False])
    order_cancel(order=order, by=buyer)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert _counts(voucher) == (0, [True])
    # Again: nothing more to give back.
    assert voucher_usage_release(order_id=order.pk, by=SYSTEM_TASK) is False
    assert _counts(voucher) == (0, [True])
    # Both limits (total and per customer) count it no more: the same shopper uses the code again.
    checkout = filled_checkout((variant, 1), user=buyer)
    checkout_promo_code_add(checkout=checkout, promo_code="MOTLAN", by=buyer)
    second = place_order((variant, 1), user=buyer, voucher_code="MOTLAN")
    assert second.discount_amount > 0
    assert _counts(voucher) == (1, [True, False])


def test_a_producer_cancelling_one_part_keeps_the_use_until_the_order_is_empty():
    first, second = MembershipFactory(), MembershipFactory()
    voucher = VoucherFactory(code="SAN10")
    order = place_order(
        (buyable_variant(producer=first.producer), 1),
        (buyable_variant(producer=second.producer), 1),
        voucher_code="SAN10",
    )
    first_part = OrderPart.objects.get(order=order, producer=first.producer)
    second_part = OrderPart.objects.get(order=order, producer=second.producer)
    order_part_cancel(part=first_part, by=first.user, reason="Hết hàng")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.UNCONFIRMED
    assert _counts(voucher) == (1, [False])  # partly cancelled: the use is kept
    order_part_cancel(part=second_part, by=second.user, reason="Hết hàng")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert _counts(voucher) == (0, [True])


def test_staff_cancelling_a_paid_order_gives_the_use_back_with_the_refund():
    member = MembershipFactory()
    voucher = VoucherFactory(code="SAN10", usage_limit=5)
    order = place_order(
        (buyable_variant(producer=member.producer, price=200_000), 1),
        payment_method="bank_transfer",
        voucher_code="SAN10",
    )
    pay_by_transfer(order)
    order.refresh_from_db()
    order_cancel_with_payment(order=order, by=staff_with("orders.change_order"), reason="Khách đổi ý")
    assert _counts(voucher) == (0, [True])


def test_the_release_task_gives_the_use_back_of_an_unpaid_transfer():
    voucher = VoucherFactory(code="SAN10")
    order = place_order((buyable_variant(), 1), payment_method="bank_transfer", voucher_code="SAN10")
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - datetime.timedelta(hours=49))
    assert orders_release_expired_transfers(by=SYSTEM_TASK, older_than_hours=48) == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert _counts(voucher) == (0, [True])
    assert orders_release_expired_transfers(by=SYSTEM_TASK, older_than_hours=48) == 0
    assert _counts(voucher) == (0, [True])


def test_a_refused_cancel_and_a_refunded_or_delivered_order_keep_the_use():
    voucher = VoucherFactory(code="SAN10")
    buyer = UserFactory()
    order = place_order(
        (buyable_variant(), 1), user=buyer, payment_method="bank_transfer", voucher_code="SAN10"
    )
    pay_by_transfer(order)
    with pytest.raises(ValidationError):  # paid: the buyer may not cancel
        order_cancel(order=Order.objects.get(pk=order.pk), by=buyer)
    assert _counts(voucher) == (1, [False])
    order_mark_refunded(order=order, by=SYSTEM_TASK)  # money back in full, not a cancellation
    assert _counts(voucher) == (1, [False])
    delivered = place_order((buyable_variant(), 1), voucher_code="SAN10", email="b@example.vn")
    deliver(delivered)
    assert Order.objects.get(pk=delivered.pk).status == OrderStatus.DELIVERED
    assert _counts(voucher) == (2, [False, False])


@pytest.mark.django_db(transaction=True)
def test_orders_cancelled_at_the_same_time_each_give_their_use_back():
    voucher = VoucherFactory(code="SAN10", usage_limit=3)
    variant = buyable_variant(quantity=10)
    orders = [
        place_order((variant, 1), voucher_code="SAN10", email=f"buyer{i}@example.vn", phone=f"091234567{i}")
        for i in range(3)
    ]
    staff = staff_with("orders.change_order")
    done, refusals = race(
        *[partial(order_cancel, order=order, by=staff, reason="Hết hàng") for order in orders]
    )
    assert (len(done), refusals) == (3, [])
    # An F() decrement under the voucher's row lock: no lost update.
    assert _counts(voucher) == (0, [True, True, True])
    assert (
        checkout_promo_code_add(
            checkout=filled_checkout((variant, 1)), promo_code="SAN10", by=AnonymousUser()
        ).voucher_code
        == "SAN10"
    )
