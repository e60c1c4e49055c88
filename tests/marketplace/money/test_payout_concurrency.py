"""Payout batches under concurrency, with real transactions in threads: two staff creating batches at once
pay each producer once; a refund racing a payout never lets refunded money be paid out."""

import threading
import uuid
from functools import partial

import pytest
from django.db import connection

from marketplace.money.models import LedgerEntry, LedgerKind, PayoutItem, RefundMethod
from marketplace.money.selectors import balances_by_producer
from marketplace.money.services import payout_batch_create, refund_create
from marketplace.orders.models import OrderLine
from marketplace.producers.models import ProducerKind
from tests.factories import ProducerFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer, with_bank_account
from tests.factories.orders import buyable_variant, place_order

ROUNDS = 4


def _race(*calls) -> dict[str, object]:
    barrier = threading.Barrier(len(calls))
    results: dict[str, object] = {}
    crashes: list[str] = []
    lock = threading.Lock()

    def run(name, call):
        try:
            barrier.wait(timeout=30)
            result = call()
            with lock:
                results[name] = result
        except Exception as exc:  # a deadlock or a constraint error fails the test
            with lock:
                crashes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashes == []
    return results


def _paid_delivered(producer, *, price: int) -> None:
    order = place_order((buyable_variant(producer=producer, price=price), 1), payment_method="bank_transfer")
    pay_by_transfer(order)
    deliver(order, days_ago=10)


@pytest.mark.django_db(transaction=True)
def test_two_staff_creating_batches_at_once_pay_each_producer_once(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    first, second = staff_with("money.add_payoutbatch"), staff_with("money.add_payoutbatch")
    for _round in range(ROUNDS):
        producers = [ProducerFactory() for _ in range(3)]
        for producer in producers:
            with_bank_account(producer)
            _paid_delivered(producer, price=600_000)  # 600.000 - 60.000 commission, free shipping
        results = _race(
            ("a", partial(payout_batch_create, by=first, threshold=100_000)),
            ("b", partial(payout_batch_create, by=second, threshold=100_000)),
        )
        batches = [batch for batch in results.values() if batch is not None]
        assert len(batches) == 1, results
        for producer in producers:
            assert list(PayoutItem.objects.filter(producer=producer).values_list("amount", flat=True)) == [
                540_000
            ]
            assert balances_by_producer(producer_ids=[producer.pk])[producer.pk].balance == 0


@pytest.mark.django_db(transaction=True)
def test_refund_racing_a_payout_never_pays_out_refunded_money(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    payer, refunder = staff_with("money.add_payoutbatch"), staff_with("money.add_refund")
    for _round in range(ROUNDS):
        producer = ProducerFactory(kind=ProducerKind.HOUSEHOLD)
        with_bank_account(producer)
        _paid_delivered(producer, price=600_000)
        # 600.000 - 60.000 commission - 6.000 VAT - 3.000 PIT; free shipping.
        assert balances_by_producer(producer_ids=[producer.pk])[producer.pk].payable == 531_000
        line = OrderLine.objects.get(part__producer=producer)
        refund = partial(
            refund_create,
            line=line,
            quantity=1,
            amount=200_000,
            method=RefundMethod.BANK_TRANSFER,
            bank_reference="FT0001",
            idempotency_key=str(uuid.uuid4()),
            reason="Trả hàng sau khi hết hạn (nhân viên quyết định)",
            restock=False,
            by=refunder,
        )
        results = _race(("payout", partial(payout_batch_create, by=payer, threshold=1)), ("refund", refund))
        refund_net = 200_000 - 20_000 - 2_000 - 1_000  # the refund less the commission and tax given back
        payout_entry = LedgerEntry.objects.get(producer=producer, kind=LedgerKind.PAYOUT)
        refund_entry = LedgerEntry.objects.get(producer=producer, kind=LedgerKind.REFUND)
        balance = balances_by_producer(producer_ids=[producer.pk])[producer.pk].balance
        if refund_entry.pk < payout_entry.pk:
            # The refund went first: the payout was computed without the refunded money.
            assert (payout_entry.amount, balance) == (-(531_000 - refund_net), 0)
        else:
            # The payout went first: the refund leaves the producer owing it, taken from later sales.
            assert (payout_entry.amount, balance) == (-531_000, -refund_net)
        assert results["refund"].amount == 200_000
