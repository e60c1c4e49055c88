"""Vouchers and refunds, to the dong: one checkout with a cooperative and a household business, paid by card
(localstripe), delivered, the household's line returned jar by jar and refunded by card. The shopper gets
back what they paid; the producer gives back what it was credited (its sale): the whole undiscounted price
under a staff (platform-funded) voucher, the discounted price under its own voucher."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.money.models import (
    CommissionRate,
    LedgerEntry,
    LedgerKind,
    Refund,
    RefundMethod,
    ReturnRequest,
)
from marketplace.money.selectors import balances_by_producer
from marketplace.money.services import (
    return_request_create,
    return_request_decide,
    return_request_refund,
)
from marketplace.orders.models import Order, OrderLine, OrderPart, PaymentState
from marketplace.payments.services import card_payment_start, stripe_client
from marketplace.producers.models import ProducerKind
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, staff_with
from tests.factories.discounts import VoucherFactory
from tests.factories.money import deliver
from tests.factories.orders import buyable_variant, place_order
from tests.stripe_helpers import (  # noqa: F401 - fixtures
    _localstripe_server,
    localstripe,
    pay_with_test_card,
    stripe_event,
    stripe_signature,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping", "localstripe")]


@pytest.fixture
def shop(settings):
    """Tea 200.000 ₫ from a cooperative (5 %), honey 123.457 ₫ from a household business (8 %, the
    category's rate), the buyer and the household's member."""
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    on = timezone.localdate() - datetime.timedelta(days=30)
    coop = ProducerFactory(kind=ProducerKind.COOPERATIVE)
    household = ProducerFactory(kind=ProducerKind.HOUSEHOLD)
    tea = buyable_variant(producer=coop, price=200_000, quantity=10)
    honey = buyable_variant(producer=household, price=123_457, quantity=10)
    CommissionRate.objects.create(category=tea.product.category, rate_bp=800, valid_from=on)
    CommissionRate.objects.create(producer=coop, rate_bp=500, valid_from=on)
    return coop, household, tea, honey, UserFactory(), MembershipFactory(producer=household).user


def _paid_by_card(client, order) -> str:
    payment = card_payment_start(order=order, by=AnonymousUser())
    confirmed = pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    payload = stripe_event("payment_intent.succeeded", confirmed.to_dict(), event_id=f"evt_{order.pk}")
    response = client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload),
    )
    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).payment_state == PaymentState.PAID
    return payment.stripe_payment_intent_id


def _accepted_return(line, *, buyer, member) -> ReturnRequest:
    request = return_request_create(line=line, quantity=1, reason="Hũ bị vỡ nắp", photos=[], by=buyer)
    return return_request_decide(request=request, accept=True, reason="", restock=True, by=member)


def _refund(request: ReturnRequest, *, amount: int) -> Refund:
    request = return_request_refund(
        request=request,
        amount=amount,
        method=RefundMethod.CARD,
        idempotency_key=str(uuid.uuid4()),
        by=staff_with("money.add_refund"),
    )
    assert request.refund is not None
    return request.refund


def _return_one_jar(line, *, amount: int, buyer, member) -> Refund:
    return _refund(_accepted_return(line, buyer=buyer, member=member), amount=amount)


def _entries(producer) -> list[tuple[str, int]]:
    return list(LedgerEntry.objects.filter(producer=producer).order_by("pk").values_list("kind", "amount"))


def _balance(producer) -> int:
    return balances_by_producer(producer_ids=[producer.pk])[producer.pk].balance


def _stripe_refunds(intent_id: str) -> list[int]:
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": intent_id})
    return sorted(refund.amount for refund in refunds.data)


def test_staff_voucher_refund_takes_back_the_producers_sale_and_the_platform_bears_the_discount(
    client, shop, django_capture_on_commit_callbacks
):
    coop, household, tea, honey, buyer, member = shop
    VoucherFactory(code="CHOOCOP10", value=10)  # staff's: 10 % off the whole order, the platform pays
    order = place_order((tea, 3), (honey, 2), payment_method="card", user=buyer, voucher_code="CHOOCOP10")
    # 846.914 ₫ of goods, 10 % = 84.691,4 → 84.691 ₫, shared 60.000 (tea) / 24.691 (honey); the coop's part
    # (600.000 ₫) ships free, the household's pays 30.000 ₫.
    assert (order.subtotal_amount, order.shipping_amount, order.discount_amount, order.total_amount) == (
        846_914,
        30_000,
        84_691,
        792_223,
    )
    honey_line = OrderLine.objects.get(variant=honey)
    assert (honey_line.discount_amount, honey_line.producer_discount_amount) == (24_691, 0)
    assert (honey_line.sale_amount, honey_line.paid_amount) == (246_914, 222_223)
    intent = _paid_by_card(client, order)

    # Producers are credited the undiscounted sale.
    assert _entries(coop) == [(LedgerKind.SALE, 600_000), (LedgerKind.COMMISSION, -30_000)]
    assert _entries(household) == [
        (LedgerKind.SALE, 246_914),
        (LedgerKind.COMMISSION, -19_753),  # 8 % of 246.914
        (LedgerKind.SHIPPING_FEE, 30_000),
        (LedgerKind.VAT_WITHHELD, -2_469),
        (LedgerKind.PIT_WITHHELD, -1_235),
    ]
    assert (_balance(coop), _balance(household)) == (570_000, 253_457)
    deliver(order)

    with django_capture_on_commit_callbacks(execute=True):
        first = _return_one_jar(honey_line, amount=111_111, buyer=buyer, member=member)
    # The shopper paid 222.223 ₫ for two jars and gets 111.111 ₫ back for one; the producer gives back the
    # same share of its 246.914 ₫ sale: 111.111 × 246.914 / 222.223 = 123.456,4 → 123.456 ₫.
    assert first.amount == 111_111
    assert _entries(household)[5:] == [
        (LedgerKind.REFUND, -123_456),
        (LedgerKind.REVERSAL, 9_876),  # commission: 8 % of 123.456 = 9.876,48
        (LedgerKind.REVERSAL, 1_235),  # VAT 1 % = 1.234,56
        (LedgerKind.REVERSAL, 617),  # PIT 0,5 % = 617,28
    ]
    assert _balance(household) == 253_457 - 123_456 + 9_876 + 1_235 + 617 == 141_729

    # The second jar: more than the shopper paid for the line is refused, and nothing changes.
    second = _accepted_return(honey_line, buyer=buyer, member=member)
    before = _entries(household)
    with pytest.raises(ValidationError) as caught:
        _refund(second, amount=111_113)
    assert caught.value.error_dict["amount"][0].code == "too_much"
    assert _entries(household) == before
    with django_capture_on_commit_callbacks(execute=True):
        _refund(second, amount=111_112)
    # The whole line is back: the shopper has what they paid (222.223 ₫), the producer gave back exactly its
    # sale (123.456 + 123.458 = 246.914 ₫), commission and tax are reversed exactly; the platform bears the
    # 24.691 ₫ discount.
    assert _entries(household)[9:] == [
        (LedgerKind.REFUND, -123_458),
        (LedgerKind.REVERSAL, 9_877),
        (LedgerKind.REVERSAL, 1_234),
        (LedgerKind.REVERSAL, 618),
    ]
    assert _stripe_refunds(intent) == [111_111, 111_112]
    assert _balance(household) == 30_000  # the shipping fee, still owed for the delivery
    assert (_balance(coop), _entries(coop)[2:]) == (570_000, [])


def test_producer_voucher_refund_takes_back_the_discounted_sale(
    client, shop, django_capture_on_commit_callbacks
):
    coop, household, tea, honey, buyer, member = shop
    VoucherFactory(code="MATONG15", producer=household, value=15)  # the household's own, on its lines
    order = place_order((tea, 3), (honey, 2), payment_method="card", user=buyer, voucher_code="MATONG15")
    # 15 % of the honey's 246.914 ₫ = 37.037,1 → 37.037 ₫, all borne by the household.
    assert (order.subtotal_amount, order.shipping_amount, order.discount_amount, order.total_amount) == (
        846_914,
        30_000,
        37_037,
        839_877,
    )
    honey_line = OrderLine.objects.get(variant=honey)
    assert (honey_line.discount_amount, honey_line.producer_discount_amount) == (37_037, 37_037)
    assert honey_line.sale_amount == honey_line.paid_amount == 209_877
    assert OrderPart.objects.get(order=order, producer=household).total_amount == 209_877 + 30_000
    intent = _paid_by_card(client, order)

    assert _entries(coop) == [(LedgerKind.SALE, 600_000), (LedgerKind.COMMISSION, -30_000)]
    assert _entries(household) == [
        (LedgerKind.SALE, 209_877),
        (LedgerKind.COMMISSION, -16_790),  # 8 % of 209.877 = 16.790,16
        (LedgerKind.SHIPPING_FEE, 30_000),
        (LedgerKind.VAT_WITHHELD, -2_099),  # 1 % = 2.098,77
        (LedgerKind.PIT_WITHHELD, -1_049),  # 0,5 % = 1.049,385
    ]
    assert _balance(household) == 219_939
    deliver(order)

    with django_capture_on_commit_callbacks(execute=True):
        _return_one_jar(honey_line, amount=104_938, buyer=buyer, member=member)
    # Credited the discounted amount, the producer gives back exactly the shopper's refund.
    assert _entries(household)[5:] == [
        (LedgerKind.REFUND, -104_938),
        (LedgerKind.REVERSAL, 8_395),  # 8 % of 104.938 = 8.395,04
        (LedgerKind.REVERSAL, 1_049),  # 1.049,38
        (LedgerKind.REVERSAL, 525),  # 524,69
    ]
    assert _balance(household) == 219_939 - 104_938 + 8_395 + 1_049 + 525 == 124_970

    with django_capture_on_commit_callbacks(execute=True):
        _return_one_jar(honey_line, amount=104_939, buyer=buyer, member=member)
    assert _entries(household)[9:] == [
        (LedgerKind.REFUND, -104_939),
        (LedgerKind.REVERSAL, 8_395),
        (LedgerKind.REVERSAL, 1_050),
        (LedgerKind.REVERSAL, 524),
    ]
    assert _stripe_refunds(intent) == [104_938, 104_939]
    assert _balance(household) == 30_000
    assert (_balance(coop), _entries(coop)[2:]) == (570_000, [])
