"""The ledger: written with its cause, append-only in the database, commission and tax rounding."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marketplace.money.models import CommissionRate, LedgerEntry, LedgerKind
from marketplace.money.selectors import balances_by_producer
from marketplace.money.services import commission_rate_bp, share
from marketplace.orders.models import OrderPart
from marketplace.orders.services import order_cancel, order_part_mark_delivered, order_part_mark_shipped
from marketplace.producers.models import ProducerKind
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import ProducerFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer
from tests.factories.orders import buyable_variant, drinks_category, place_order

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _kinds(producer) -> list[tuple[str, int]]:
    return list(LedgerEntry.objects.filter(producer=producer).order_by("pk").values_list("kind", "amount"))


@pytest.mark.parametrize(
    ("amount", "rate_bp", "expected"),
    [
        (0, 100, 0),
        (49, 100, 0),
        (50, 100, 1),
        (149, 100, 1),
        (150, 100, 2),
        (123_457, 50, 617),
        (123_500, 50, 618),
        (99_999, 1000, 10_000),
    ],
)
def test_share_rounds_half_up_to_the_dong(amount, rate_bp, expected):
    assert share(amount, rate_bp) == expected


def test_ledger_rows_refuse_update_and_delete_in_the_database():
    order = place_order((buyable_variant(price=100_000), 1), payment_method="bank_transfer")
    pay_by_transfer(order)
    entry = LedgerEntry.objects.filter(kind=LedgerKind.SALE).get()
    for sql in (
        "UPDATE money_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM money_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 100_000


def test_commission_rate_in_force_on_the_paid_day_most_specific_first(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    producer, other = ProducerFactory(), ProducerFactory()
    drinks = drinks_category()
    day = datetime.date(2026, 3, 10)
    CommissionRate.objects.create(category=drinks, rate_bp=800, valid_from=datetime.date(2026, 1, 1))
    CommissionRate.objects.create(
        producer=producer,
        rate_bp=600,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 3, 9),
    )
    CommissionRate.objects.create(
        producer=producer, category=drinks, rate_bp=300, valid_from=datetime.date(2026, 3, 11)
    )
    assert commission_rate_bp(producer_id=producer.pk, category_id=drinks.pk, on=day) == 800
    assert (
        commission_rate_bp(producer_id=producer.pk, category_id=drinks.pk, on=datetime.date(2026, 3, 9))
        == 600
    )
    assert (
        commission_rate_bp(producer_id=producer.pk, category_id=drinks.pk, on=datetime.date(2026, 3, 11))
        == 300
    )
    assert commission_rate_bp(producer_id=other.pk, category_id=None, on=day) == 1000


def test_cancelled_paid_household_part_reverses_sale_commission_and_withholding(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    household = ProducerFactory(kind=ProducerKind.HOUSEHOLD)
    coop = ProducerFactory(kind=ProducerKind.COOPERATIVE)
    order = place_order(
        (buyable_variant(producer=household, price=99_999), 1),
        (buyable_variant(producer=coop, price=600_000), 1),
        payment_method="bank_transfer",
    )
    pay_by_transfer(order)
    assert _kinds(household) == [
        (LedgerKind.SALE, 99_999),
        (LedgerKind.COMMISSION, -10_000),
        (LedgerKind.SHIPPING_FEE, 30_000),
        (LedgerKind.VAT_WITHHELD, -1_000),
        (LedgerKind.PIT_WITHHELD, -500),
    ]
    assert _kinds(coop) == [(LedgerKind.SALE, 600_000), (LedgerKind.COMMISSION, -60_000)]

    order_cancel(order=order, by=staff_with("orders.change_order"), reason="Khách đổi ý, hoàn tiền")
    assert _kinds(household)[5:] == [
        (LedgerKind.REFUND, -99_999),
        (LedgerKind.REVERSAL, 10_000),
        (LedgerKind.REVERSAL, 1_000),
        (LedgerKind.REVERSAL, 500),
        (LedgerKind.REFUND, -30_000),
    ]
    balances = balances_by_producer(producer_ids=[household.pk, coop.pk])
    assert (balances[household.pk].balance, balances[coop.pk].balance) == (0, 0)


def test_cod_order_is_booked_at_delivery_and_payable_only_after_remittance(settings):
    from marketplace.money.models import CodRemittance

    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    producer = ProducerFactory()
    order = place_order((buyable_variant(producer=producer, price=250_000), 2), payment_method="cod")
    assert not LedgerEntry.objects.exists()
    deliver(order, days_ago=10)
    assert _kinds(producer) == [(LedgerKind.SALE, 500_000), (LedgerKind.COMMISSION, -50_000)]
    assert balances_by_producer(producer_ids=[producer.pk])[producer.pk].payable == 0
    CodRemittance.objects.create(
        order=order, amount=500_000, remitted_on=timezone.localdate(), actor_name="t"
    )
    balances = balances_by_producer(producer_ids=[producer.pk])[producer.pk]
    assert (balances.balance, balances.payable, balances.pending) == (450_000, 450_000, 0)


def test_partly_delivered_cod_order_books_nothing_yet():
    order = place_order(
        (buyable_variant(price=100_000), 1), (buyable_variant(price=100_000), 1), payment_method="cod"
    )
    first = OrderPart.objects.filter(order=order).order_by("pk").first()
    order_part_mark_shipped(part=first, by=SYSTEM_TASK)
    order_part_mark_delivered(part=first, by=SYSTEM_TASK)
    assert not LedgerEntry.objects.exists()
