"""Cancelling paid parts gives the money back: a card order is refunded through Stripe automatically after
the cancel commits (localstripe; one refund whatever the retries), a bank-transfer order waits for staff to
record the transfer. The ledger is reversed in the cancel's transaction, withheld tax included."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.money.models import LedgerEntry, LedgerKind, OrderRefund, OrderRefundStatus
from marketplace.money.selectors import balances_by_producer
from marketplace.money.services import order_refund_record_transfer, order_refund_send_card
from marketplace.orders.models import OrderPart
from marketplace.orders.services import order_part_cancel, order_payment_received
from marketplace.payments.services import card_payment_start, order_cancel_with_payment, stripe_client
from marketplace.producers.models import ProducerKind
from marketplace.producers.policies import SYSTEM_TASK, SYSTEM_WEBHOOK
from tests.factories import MembershipFactory, ProducerFactory, staff_with
from tests.factories.discounts import VoucherFactory
from tests.factories.money import pay_by_transfer
from tests.factories.orders import buyable_variant, place_order
from tests.stripe_helpers import _localstripe_server, localstripe, pay_with_test_card  # noqa: F401 - fixtures

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _paid_card_order(household, coop):
    order = place_order(
        (buyable_variant(producer=household, price=99_999), 1),
        (buyable_variant(producer=coop, price=600_000), 1),
        payment_method="card",
    )
    payment = card_payment_start(order=order, by=AnonymousUser())
    pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    order_payment_received(order=order, by=SYSTEM_WEBHOOK)
    return order, payment


def _stripe_refunds(payment) -> list[int]:
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id})
    return [refund.amount for refund in refunds.data]


@pytest.mark.usefixtures("localstripe")
def test_cancelling_a_paid_card_part_refunds_it_through_stripe_once(
    settings, django_capture_on_commit_callbacks
):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    household = ProducerFactory(kind=ProducerKind.HOUSEHOLD)
    coop = ProducerFactory(kind=ProducerKind.COOPERATIVE)
    order, payment = _paid_card_order(household, coop)
    part = OrderPart.objects.get(order=order, producer=household)
    staff = staff_with("orders.change_order")
    with django_capture_on_commit_callbacks(execute=True):
        order_part_cancel(part=part, by=staff, reason="Hết hàng, hoàn tiền cho khách")
    refund = OrderRefund.objects.get()
    # 99.999 goods + 30.000 shipping for the household part.
    assert (refund.amount, refund.method, refund.status) == (129_999, "card", OrderRefundStatus.SENT)
    assert refund.stripe_refund_id.startswith("re_")
    assert _stripe_refunds(payment) == [129_999]
    # A retried task finds it sent and calls Stripe no more (a crash between Stripe and the database is
    # covered at Stripe by the row's idempotency key; localstripe does not replay keys).
    again = order_refund_send_card(refund_id=refund.pk, by=SYSTEM_TASK)
    assert again.stripe_refund_id == refund.stripe_refund_id
    assert _stripe_refunds(payment) == [129_999]
    assert list(LedgerEntry.objects.filter(producer=household).order_by("pk").values_list("kind", "amount"))[
        5:
    ] == [
        (LedgerKind.REFUND, -99_999),
        (LedgerKind.REVERSAL, 10_000),  # commission
        (LedgerKind.REVERSAL, 1_000),  # VAT
        (LedgerKind.REVERSAL, 500),  # PIT
        (LedgerKind.REFUND, -30_000),  # shipping
    ]
    balances = balances_by_producer(producer_ids=[household.pk, coop.pk])
    assert (balances[household.pk].balance, balances[coop.pk].balance) == (0, 540_000)


@pytest.mark.usefixtures("localstripe")
def test_cancelling_a_whole_paid_card_order_refunds_the_total(django_capture_on_commit_callbacks):
    order, payment = _paid_card_order(ProducerFactory(kind=ProducerKind.HOUSEHOLD), ProducerFactory())
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_with_payment(order=order, by=staff_with("orders.change_order"), reason="Khách đổi ý")
    assert list(OrderRefund.objects.values_list("amount", "status")) == [(order.total_amount, "sent")]
    assert _stripe_refunds(payment) == [order.total_amount]
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 0


def test_system_only_sends_card_refunds():
    with pytest.raises(PermissionDenied):
        order_refund_send_card(refund_id=1, by=staff_with("money.add_refund"))


def test_bank_transfer_cancellation_waits_for_staff_to_record_the_transfer(client):
    member = MembershipFactory()
    order = place_order(
        (buyable_variant(producer=member.producer, price=200_000), 1), payment_method="bank_transfer"
    )
    pay_by_transfer(order)
    order_part_cancel(part=order.parts.get(), by=staff_with("orders.change_order"), reason="Hết hàng")
    refund = OrderRefund.objects.get()
    assert (refund.amount, refund.method, refund.status) == (230_000, "bank_transfer", "due")
    for refused in (member.user, staff_with("orders.change_order"), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            order_refund_record_transfer(refund=refund, bank_reference="FT1", by=refused)
    staff = staff_with("money.add_refund")
    with pytest.raises(ValidationError):
        order_refund_record_transfer(refund=refund, bank_reference=" ", by=staff)
    assert OrderRefund.objects.get().status == "due"
    # Through the admin page.
    url = f"/admin/money/orderrefund/{refund.pk}/record/"
    client.force_login(staff_with("money.view_orderrefund"))
    assert client.post(url, {"bank_reference": "FT26070299"}).status_code == 403
    client.force_login(staff)
    assert client.post(url, {"bank_reference": "FT26070299"}).status_code == 302
    row = OrderRefund.objects.get()
    assert (row.status, row.bank_reference, row.sent_by) == ("sent", "FT26070299", staff.email)
    with pytest.raises(ValidationError):  # once
        order_refund_record_transfer(refund=row, bank_reference="FT2", by=staff)


@pytest.mark.usefixtures("localstripe")
def test_a_card_refund_left_due_is_sent_again_by_staff(client, django_capture_on_commit_callbacks):
    order, payment = _paid_card_order(ProducerFactory(), ProducerFactory())
    order.refresh_from_db()
    # The cancel commits but its task never ran (Stripe down through every retry): the refund is due.
    order_cancel_with_payment(order=order, by=staff_with("orders.change_order"), reason="Khách đổi ý")
    refund = OrderRefund.objects.get()
    assert (refund.method, refund.status) == ("card", "due")
    action = {"action": "retry_card", "_selected_action": [refund.pk]}
    client.force_login(staff_with("money.view_orderrefund"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/money/orderrefund/", action)
    assert OrderRefund.objects.get().status == "due" and _stripe_refunds(payment) == []
    client.force_login(staff_with("money.add_refund", "money.view_orderrefund"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/money/orderrefund/", action)
    assert OrderRefund.objects.get().status == "sent"
    assert _stripe_refunds(payment) == [order.total_amount]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/money/orderrefund/", action)  # sent: nothing more
    assert _stripe_refunds(payment) == [order.total_amount]


@pytest.mark.usefixtures("localstripe")
def test_cancelling_a_paid_part_of_a_staff_voucher_order_refunds_what_was_paid(
    settings, django_capture_on_commit_callbacks
):
    """The shopper gets back the part's discounted total; the producer gives back its undiscounted sale."""
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    household = ProducerFactory(kind=ProducerKind.HOUSEHOLD)
    VoucherFactory(code="SAN50K", value_type="fixed", value=50_000)
    order = place_order(
        (buyable_variant(producer=household, price=99_999), 1),
        (buyable_variant(producer=ProducerFactory(), price=600_000), 1),
        payment_method="card",
        voucher_code="SAN50K",
    )
    payment = card_payment_start(order=order, by=AnonymousUser())
    pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    order_payment_received(order=order, by=SYSTEM_WEBHOOK)
    part = OrderPart.objects.get(order=order, producer=household)
    assert part.discount_amount == 7_143  # 50.000 × 99.999 / 699.999 = 7.142,86: the largest remainder
    with django_capture_on_commit_callbacks(execute=True):
        order_part_cancel(part=part, by=staff_with("orders.change_order"), reason="Hết hàng")
    assert _stripe_refunds(payment) == [99_999 + 30_000 - 7_143]
    assert list(LedgerEntry.objects.filter(producer=household).order_by("pk").values_list("kind", "amount"))[
        5:
    ] == [
        (LedgerKind.REFUND, -99_999),
        (LedgerKind.REVERSAL, 10_000),
        (LedgerKind.REVERSAL, 1_000),
        (LedgerKind.REVERSAL, 500),
        (LedgerKind.REFUND, -30_000),
    ]
    assert balances_by_producer(producer_ids=[household.pk])[household.pk].balance == 0
