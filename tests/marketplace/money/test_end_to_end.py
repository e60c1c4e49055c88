"""Issue 15 acceptance: one checkout with a cooperative and a household business, paid by card (localstripe),
delivered, one line returned and partly refunded, the return window passes, a payout batch is exported."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from marketplace.catalog.models import Stock
from marketplace.money.models import CommissionRate, LedgerEntry, LedgerKind, RefundMethod
from marketplace.money.selectors import balances_by_producer, payout_batch_csv
from marketplace.money.services import payout_batch_create, payout_batch_mark_sent, refund_create
from marketplace.orders.models import Order, OrderLine, OrderPart, PaymentState
from marketplace.payments.models import Payment
from marketplace.payments.services import card_payment_start, stripe_client
from marketplace.producers.models import ProducerKind
from tests.factories import ProducerFactory, staff_with
from tests.factories.money import deliver, with_bank_account
from tests.factories.orders import buyable_variant, drinks_category, place_order
from tests.stripe_helpers import (  # noqa: F401 - fixtures
    _localstripe_server,
    localstripe,
    pay_with_test_card,
    stripe_event,
    stripe_signature,
)

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _entries(producer) -> list[tuple[str, int, str]]:
    rows = LedgerEntry.objects.filter(producer=producer).order_by("pk")
    return [(entry.kind, entry.amount, entry.line.sku if entry.line_id else "") for entry in rows]


def test_card_order_returned_refunded_and_paid_out_to_the_dong(client, localstripe, settings):  # noqa: F811
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    today = timezone.localdate()
    coop = ProducerFactory(kind=ProducerKind.COOPERATIVE, slug="htx-che", name="HTX Chè Shan Tuyết")
    household = ProducerFactory(kind=ProducerKind.HOUSEHOLD, slug="ho-mat-ong", name="Hộ Mật ong Bản Mòng")
    drinks = drinks_category()
    # The coop's own rate beats the category's; the household's expired rate no longer applies.
    CommissionRate.objects.create(
        category=drinks, rate_bp=800, valid_from=today - datetime.timedelta(days=30)
    )
    CommissionRate.objects.create(producer=coop, rate_bp=500, valid_from=today - datetime.timedelta(days=30))
    CommissionRate.objects.create(
        producer=household,
        rate_bp=2000,
        valid_from=today - datetime.timedelta(days=60),
        valid_until=today - datetime.timedelta(days=1),
    )
    tea = buyable_variant(producer=coop, price=200_000, quantity=10)
    honey = buyable_variant(producer=household, price=123_457, quantity=10)

    order = place_order((tea, 3), (honey, 2), payment_method="card")
    # Coop part 600.000 ₫ ships free; the household part 246.914 ₫ pays the 30.000 ₫ flat rate.
    assert (order.subtotal_amount, order.shipping_amount, order.total_amount) == (846_914, 30_000, 876_914)
    payment = card_payment_start(order=order, by=AnonymousUser())
    confirmed = pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    payload = stripe_event("payment_intent.succeeded", confirmed.to_dict(), event_id="evt_money_e2e")
    response = client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload),
    )
    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).payment_state == PaymentState.PAID

    assert _entries(coop) == [
        (LedgerKind.SALE, 600_000, tea.sku),
        (LedgerKind.COMMISSION, -30_000, tea.sku),  # 5 %
    ]
    assert _entries(household) == [
        (LedgerKind.SALE, 246_914, honey.sku),
        (LedgerKind.COMMISSION, -19_753, honey.sku),  # 8 % of 246.914 = 19.753,12
        (LedgerKind.SHIPPING_FEE, 30_000, ""),
        (LedgerKind.VAT_WITHHELD, -2_469, ""),  # 1 % = 2.469,14
        (LedgerKind.PIT_WITHHELD, -1_235, ""),  # 0,5 % = 1.234,57 → half up
    ]
    balances = balances_by_producer(producer_ids=[coop.pk, household.pk])
    assert (balances[coop.pk].balance, balances[coop.pk].payable) == (570_000, 0)
    assert (balances[household.pk].balance, balances[household.pk].pending) == (253_457, 253_457)

    deliver(order)
    # One jar of honey comes back; the shopper gets 100.000 ₫ of its 123.457 ₫ (the seal was broken).
    staff = staff_with("money.add_refund")
    honey_line = OrderLine.objects.get(part__producer=household)
    key = str(uuid.uuid4())
    refund = refund_create(
        line=honey_line,
        quantity=1,
        amount=100_000,
        method=RefundMethod.CARD,
        idempotency_key=key,
        reason="Hũ bị vỡ nắp",
        restock=True,
        by=staff,
    )
    # A retried request is the same refund, here and at Stripe.
    again = refund_create(
        line=honey_line,
        quantity=1,
        amount=100_000,
        method=RefundMethod.CARD,
        idempotency_key=key,
        reason="Hũ bị vỡ nắp",
        restock=True,
        by=staff,
    )
    assert again.pk == refund.pk
    stripe_refunds = stripe_client().v1.refunds.list(
        params={"payment_intent": payment.stripe_payment_intent_id}
    )
    assert [(r.id, r.amount) for r in stripe_refunds.data] == [(refund.stripe_refund_id, 100_000)]
    assert Stock.objects.get(variant=honey).quantity == 9  # 10 - 2 bought + 1 restocked
    assert _entries(household)[5:] == [
        (LedgerKind.REFUND, -100_000, honey.sku),
        (LedgerKind.REVERSAL, 8_000, honey.sku),  # commission on the refunded 100.000 ₫
        (LedgerKind.REVERSAL, 1_000, ""),  # VAT
        (LedgerKind.REVERSAL, 500, ""),  # PIT
    ]
    assert _entries(coop)[2:] == []

    # Still inside the return window: nothing payable, no batch.
    with_bank_account(coop, number="0011001111111", name="HTX Che Shan Tuyet")
    with_bank_account(household, bin_="970418", number="1234567890", name="Nguyen Van Mong")
    payout_staff = staff_with("money.add_payoutbatch")
    assert payout_batch_create(by=payout_staff, threshold=100_000) is None

    OrderPart.objects.filter(order=order).update(delivered_at=timezone.now() - datetime.timedelta(days=8))
    batch = payout_batch_create(by=payout_staff, threshold=100_000)
    assert batch is not None
    assert payout_batch_csv(batch).splitlines() == [
        "account_number,bank_bin,account_name,amount,content",
        f"0011001111111,970436,HTX CHE SHAN TUYET,570000,OCOP CHI TRA {batch.pk} HTX-CHE",
        f"1234567890,970418,NGUYEN VAN MONG,162957,OCOP CHI TRA {batch.pk} HO-MAT-ONG",
    ]
    assert _entries(coop)[-1] == (LedgerKind.PAYOUT, -570_000, "")
    assert _entries(household)[-1] == (LedgerKind.PAYOUT, -162_957, "")
    balances = balances_by_producer(producer_ids=[coop.pk, household.pk])
    assert [(b.balance, b.payable, b.pending, b.paid) for b in balances.values()] == [
        (0, 0, 0, 570_000),
        (0, 0, 0, 162_957),
    ]
    # Entries add up exactly: every balance is the plain sum of its rows.
    assert sum(amount for _kind, amount, _sku in _entries(household)) == 0
    payout_batch_mark_sent(batch=batch, by=payout_staff)
    assert payout_batch_create(by=payout_staff, threshold=1) is None  # paid once
    assert Payment.objects.get(order=order).amount == 876_914
