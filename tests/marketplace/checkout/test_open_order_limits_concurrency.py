"""Parallel checkouts of one shopper count their open orders in turn: the limit holds under a race."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection

from marketplace.checkout.services import checkout_complete
from marketplace.orders.models import Order
from tests.factories.orders import buyable_variant, filled_checkout

ATTEMPTS = 8


@pytest.mark.django_db(transaction=True)
def test_eight_parallel_checkouts_of_one_email_make_exactly_the_limit(settings):
    settings.ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL = 3
    variant = buyable_variant(quantity=100)
    checkouts = [filled_checkout((variant, 1), phone=f"09000000{i:02d}") for i in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS)
    codes, crashes = [], []
    lock = threading.Lock()

    def buy(checkout):
        try:
            barrier.wait(timeout=30)
            checkout_complete(token=checkout.token, client_ip=None, by=AnonymousUser())
            code = "ok"
        except ValidationError as exc:
            code = exc.error_dict["email"][0].code
        except Exception as exc:  # a deadlock would land here and fail the test
            code = repr(exc)
            crashes.append(code)
        finally:
            connection.close()
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=buy, args=(checkout,)) for checkout in checkouts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashes == []
    assert sorted(codes) == ["ok"] * 3 + ["too_many_open_orders"] * (ATTEMPTS - 3)
    assert Order.objects.count() == 3
