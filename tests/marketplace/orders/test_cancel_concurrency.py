"""A cancel and a ship of the same part at the same moment, with real transactions in two threads: exactly
one wins, and stock, statuses and history agree with the winner."""

import threading
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from marketplace.catalog.models import Stock
from marketplace.orders.models import OrderEvent, OrderPart, OrderStatus
from marketplace.orders.policies import GuestTokenActor
from marketplace.orders.services import order_cancel, order_part_cancel, order_part_mark_shipped
from tests.factories import MembershipFactory
from tests.factories.orders import buyable_variant, place_order

ROUNDS = 6


def _race(*calls) -> tuple[list[str], list[str]]:
    barrier = threading.Barrier(len(calls))
    won, refused, crashes = [], [], []
    lock = threading.Lock()

    def run(name, call):
        try:
            barrier.wait(timeout=30)
            call()
            with lock:
                won.append(name)
        except ValidationError:
            with lock:
                refused.append(name)
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
    return won, refused


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("canceller", ["producer", "guest"])
def test_cancel_and_ship_of_one_part_end_in_one_consistent_state(canceller):
    member = MembershipFactory()
    variant = buyable_variant(quantity=100, producer=member.producer)
    for _round in range(ROUNDS):
        order = place_order((variant, 3), payment_method="bank_transfer")
        part = order.parts.get()
        stock_before = Stock.objects.get(variant=variant).quantity
        if canceller == "producer":
            cancel = partial(order_part_cancel, part=part, by=member.user, reason="Hết hàng")
        else:
            cancel = partial(order_cancel, order=order, by=GuestTokenActor(token=order.token))
        ship = partial(order_part_mark_shipped, part=part, by=member.user, tracking_code="GHN")
        won, refused = _race(("cancel", cancel), ("ship", ship))
        assert len(won) == 1 and len(refused) == 1, (won, refused)
        status = OrderPart.objects.get(pk=part.pk).status
        stock = Stock.objects.get(variant=variant).quantity
        events = OrderEvent.objects.filter(order=order).count()
        if won == ["cancel"]:
            assert (status, stock, events) == (OrderStatus.CANCELLED, stock_before + 3, 1)
        else:
            assert (status, stock, events) == (OrderStatus.SHIPPED, stock_before, 0)
