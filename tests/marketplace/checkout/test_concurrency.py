import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection

from marketplace.catalog.models import Stock
from marketplace.checkout.services import checkout_complete, checkout_submit
from marketplace.orders.models import Order, OrderLine
from tests.factories.orders import buyable_variant, details, filled_checkout

BUYERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_checkouts_for_five_units_sell_exactly_five():
    variant = buyable_variant(quantity=5, name="Cà phê Arabica Sơn La")
    checkouts = [filled_checkout((variant, 1), email=f"buyer{i}@example.vn") for i in range(BUYERS)]
    barrier = threading.Barrier(BUYERS)
    orders, refusals, crashes = [], [], []
    lock = threading.Lock()

    def buy(checkout):
        try:
            barrier.wait(timeout=30)
            order = checkout_complete(token=checkout.token, by=AnonymousUser())
            with lock:
                orders.append(order.pk)
        except ValidationError as exc:
            with lock:
                refusals.append((exc.error_dict["lines"][0].code, exc.messages[0]))
        except Exception as exc:  # a deadlock or constraint error would land here and fail the test
            with lock:
                crashes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(checkout,)) for checkout in checkouts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert crashes == []
    assert len(orders) == 5
    assert len(refusals) == BUYERS - 5
    assert {code for code, _message in refusals} == {"insufficient_stock"}
    assert all(message == "«Cà phê Arabica Sơn La» đã hết hàng." for _code, message in refusals)
    assert Stock.objects.get(variant=variant).quantity == 0
    assert Order.objects.count() == 5
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == 5


@pytest.mark.django_db(transaction=True)
def test_the_same_checkout_submitted_twice_at_once_makes_one_order():
    variant = buyable_variant(quantity=5)
    checkout = filled_checkout((variant, 2))
    barrier = threading.Barrier(2)
    results, crashes = [], []

    def submit():
        try:
            barrier.wait(timeout=30)
            results.append(checkout_submit(token=checkout.token, details=details(), by=AnonymousUser()).pk)
        except Exception as exc:
            crashes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashes == []
    assert len(results) == 2 and results[0] == results[1]
    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=variant).quantity == 3
