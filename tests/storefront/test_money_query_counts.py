"""The pages that show a producer's money run the same number of SQL queries whatever the number of ledger
entries, orders or returns (3 against 30 entries; 1 against 6 returns)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.money.models import RefundMethod
from marketplace.money.services import (
    ledger_adjust,
    refund_create,
    return_request_create,
    return_request_decide,
    return_request_refund,
)
from marketplace.orders.models import OrderLine
from marketplace.producers.models import ProducerKind
from tests.factories import MembershipFactory, UserFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    return MembershipFactory(producer__kind=ProducerKind.COOPERATIVE)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Exact counts: session and user, the producer and the membership check, then the page's own reads.
STATEMENT_QUERIES = {"money/": 9, "money/statement.csv": 5, "money/statement.pdf": 7}


@pytest.mark.parametrize("path", list(STATEMENT_QUERIES))
def test_statement_pages_run_a_constant_number_of_queries(client, member, path):
    """3 entries (one paid order: sale, commission, shipping) against 30 (plus 8 more orders, an
    adjustments, a refund and its reversal)."""
    staff = staff_with("money.add_ledgerentry", "money.add_refund")
    order = place_order(
        (buyable_variant(producer=member.producer, price=100_000), 1), payment_method="bank_transfer"
    )
    pay_by_transfer(order)
    client.force_login(member.user)
    url = f"/seller/{member.producer.slug}/{path}"
    few = _count(client, url)
    for price in range(110_000, 190_000, 10_000):  # 8 orders × 3 entries
        other = place_order(
            (buyable_variant(producer=member.producer, price=price), 1), payment_method="bank_transfer"
        )
        pay_by_transfer(other)
    deliver(order)
    refund_create(
        line=OrderLine.objects.get(part__order=order),
        quantity=1,
        amount=50_000,
        method=RefundMethod.BANK_TRANSFER,
        bank_reference="FT1",
        idempotency_key=str(uuid.uuid4()),
        reason="Trả một phần",
        restock=False,
        by=staff,
    )  # refund + commission reversal
    ledger_adjust(producer=member.producer, amount=1_000, reason="Bù phí", by=staff)
    assert member.producer.ledger.count() == 30
    many = _count(client, url)
    assert (few, many) == (STATEMENT_QUERIES[path], STATEMENT_QUERIES[path])


def _returned_order(member, buyer, *, lines: int):
    variants = [(buyable_variant(producer=member.producer, price=100_000), 2) for _ in range(lines)]
    order = place_order(*variants, user=buyer, payment_method="bank_transfer")
    pay_by_transfer(order)
    deliver(order)
    staff = staff_with("money.add_refund")
    for index, line in enumerate(OrderLine.objects.filter(part__order=order).order_by("pk")):
        request = return_request_create(line=line, quantity=1, reason="Vỡ", photos=[], by=buyer)
        if index % 2:
            request = return_request_decide(
                request=request, accept=True, reason="", restock=True, by=member.user
            )
            return_request_refund(
                request=request,
                amount=90_000,
                method=RefundMethod.BANK_TRANSFER,
                bank_reference=f"FT{index}",
                idempotency_key=str(uuid.uuid4()),
                by=staff,
            )
    return order


def test_portal_order_page_with_returns_runs_a_constant_number_of_queries(client, member):
    buyer = UserFactory()
    one = _returned_order(member, buyer, lines=1)
    six = _returned_order(member, buyer, lines=6)
    client.force_login(member.user)
    counts = [
        _count(client, f"/seller/{member.producer.slug}/orders/{order.parts.get().pk}/")
        for order in (one, six)
    ]
    assert counts == [8, 8]
    html = client.get(f"/seller/{member.producer.slug}/orders/{six.parts.get().pk}/").content.decode()
    assert html.count('data-return-refund-vnd="90000"') == 3


@pytest.mark.parametrize(("page", "queries"), [("", 6), ("return/", 9)])
def test_shopper_order_and_return_pages_run_a_constant_number_of_queries(client, member, page, queries):
    buyer = UserFactory()
    one = _returned_order(member, buyer, lines=1)
    six = _returned_order(member, buyer, lines=6)
    client.force_login(buyer)
    counts = [_count(client, f"/orders/{order.token}/{page}") for order in (one, six)]
    assert counts == [queries, queries]
