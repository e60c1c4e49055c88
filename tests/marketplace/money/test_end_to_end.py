"""Issue 15 acceptance: one checkout with a cooperative and a household business, paid by card (localstripe),
delivered, one line returned and partly refunded, the return window passes, a payout batch is exported."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.catalog.models import Stock
from marketplace.money.models import CommissionRate, LedgerEntry, LedgerKind, RefundMethod, ReturnStatus
from marketplace.money.selectors import balances_by_producer, payout_batch_csv, withholding_report_csv
from marketplace.money.services import (
    payout_batch_create,
    payout_batch_mark_sent,
    refund_create,
    return_request_create,
    return_request_decide,
    return_request_refund,
)
from marketplace.orders.models import Order, OrderEvent, OrderLine, OrderPart, PaymentState
from marketplace.payments.models import Payment
from marketplace.payments.services import card_payment_start, stripe_client
from marketplace.producers.models import ProducerKind
from marketplace.producers.selectors import producer_mail_recipients
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, staff_with
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


def _figures(*producers) -> list[tuple[int, int, int, int]]:
    balances = balances_by_producer(producer_ids=[producer.pk for producer in producers])
    return [
        (balances[p.pk].balance, balances[p.pk].payable, balances[p.pk].pending, balances[p.pk].paid)
        for p in producers
    ]


def test_card_order_returned_refunded_and_paid_out_to_the_dong(
    client,
    localstripe,  # noqa: F811
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
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

    buyer = UserFactory(email="khach@example.vn")
    household_member = MembershipFactory(producer=household)
    order = place_order((tea, 3), (honey, 2), payment_method="card", user=buyer)
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
    # Paid, not delivered: all of it pending. Coop 600.000 - 30.000; household 246.914 + 30.000 - 19.753
    # - 2.469 - 1.235 = 253.457.
    assert _figures(coop, household) == [(570_000, 0, 570_000, 0), (253_457, 0, 253_457, 0)]

    deliver(order)
    # The buyer returns one jar of honey; its producer accepts and restocks it.
    honey_line = OrderLine.objects.get(part__producer=household)
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_create(
            line=honey_line, quantity=1, reason="Hũ bị vỡ nắp", photos=[], by=buyer
        )
    assert _figures(household)[0][1] == 0  # an open return holds the part's money
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_decide(
            request=request, accept=True, reason="", restock=True, by=household_member.user
        )
    # The shopper gets 100.000 ₫ of the jar's 123.457 ₫ (the seal was broken), by card through Stripe.
    staff = staff_with("money.add_refund")
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_refund(
            request=request, amount=100_000, method=RefundMethod.CARD, idempotency_key=key, by=staff
        )
    assert request.status == ReturnStatus.REFUNDED
    refund = request.refund
    # A retried refund (same key) is the same refund, here and at Stripe; the request is refunded once.
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
    with pytest.raises(ValidationError):
        return_request_refund(
            request=request, amount=100_000, method=RefundMethod.CARD, idempotency_key=key, by=staff
        )
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
    assert list(
        OrderEvent.objects.filter(part__producer=household, kind__startswith="return")
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["return_requested", "return_accepted"]
    # E-mails: the producer heard of the request, the buyer of the acceptance and of the refund.
    assert [(m.to, m.subject) for m in mailoutbox if "trả hàng" in m.subject or "hoàn tiền" in m.subject] == [
        (
            producer_mail_recipients(producer=household),
            f"Chợ OCOP: khách yêu cầu trả hàng đơn {order.number}",
        ),
        (["khach@example.vn"], f"Chợ OCOP: yêu cầu trả hàng của đơn {order.number} được chấp nhận"),
        (["khach@example.vn"], f"Chợ OCOP: đã hoàn tiền cho đơn {order.number}"),
    ]
    # Tax: only the household's, net of what the refund gave back (2.469 - 1.000, 1.235 - 500).
    now = timezone.localtime()
    report = withholding_report_csv(year=now.year, month=now.month, by=staff_with("money.view_ledgerentry"))
    assert report.splitlines()[1:] == [
        f"{household.name},{household.registration_code},1469,735,2204",
        "TOTAL,,1469,735,2204",
    ]
    assert _entries(coop)[2:] == []

    # Household: 253.457 - 100.000 + 8.000 + 1.000 + 500 = 162.957, all still inside the return window.
    assert _figures(coop, household) == [(570_000, 0, 570_000, 0), (162_957, 0, 162_957, 0)]
    # Still inside the return window: nothing payable, no batch.
    with_bank_account(coop, number="0011001111111", name="HTX Che Shan Tuyet")
    with_bank_account(household, bin_="970418", number="1234567890", name="Nguyen Van Mong")
    payout_staff = staff_with("money.add_payoutbatch")
    assert payout_batch_create(by=payout_staff, threshold=100_000) is None

    OrderPart.objects.filter(order=order).update(delivered_at=timezone.now() - datetime.timedelta(days=8))
    assert _figures(coop, household) == [(570_000, 570_000, 0, 0), (162_957, 162_957, 0, 0)]
    batch = payout_batch_create(by=payout_staff, threshold=100_000)
    assert batch is not None
    assert payout_batch_csv(batch, by=payout_staff).splitlines() == [
        "account_number,bank_bin,account_name,amount,content",
        f"0011001111111,970436,HTX CHE SHAN TUYET,570000,OCOP CHI TRA {batch.pk} HTX-CHE",
        f"1234567890,970418,NGUYEN VAN MONG,162957,OCOP CHI TRA {batch.pk} HO-MAT-ONG",
    ]
    assert _entries(coop)[-1] == (LedgerKind.PAYOUT, -570_000, "")
    assert _entries(household)[-1] == (LedgerKind.PAYOUT, -162_957, "")
    assert _figures(coop, household) == [(0, 0, 0, 570_000), (0, 0, 0, 162_957)]
    # Entries add up exactly: every balance is the plain sum of its rows.
    assert sum(amount for _kind, amount, _sku in _entries(household)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_mark_sent(batch=batch, by=payout_staff)
    # Each producer with an address hears of it (the cooperative here has no e-mail and no member).
    payout_mail = mailoutbox[-1]
    assert (payout_mail.to, payout_mail.subject) == (
        producer_mail_recipients(producer=household),
        f"Chợ OCOP: đã chuyển tiền đợt chi trả {batch.pk}",
    )
    assert "162.957 ₫" in payout_mail.body and "1234567890" in payout_mail.body
    assert producer_mail_recipients(producer=coop) == []
    assert payout_batch_create(by=payout_staff, threshold=1) is None  # paid once
    assert Payment.objects.get(order=order).amount == 876_914
