import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from marketplace.catalog.models import Stock
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.services import card_payment_start, stripe_client
from marketplace.payments.tasks import release_abandoned_card_orders_task
from tests.factories.orders import buyable_variant, place_order
from tests.stripe_helpers import _localstripe_server, localstripe, pay_with_test_card  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("localstripe")]


def _card_order(variant, *, minutes_ago: int) -> Order:
    order = place_order((variant, 2), payment_method="card")
    card_payment_start(order=order, by=AnonymousUser())
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return order


def test_abandoned_card_order_is_cancelled_and_its_stock_released(settings):
    settings.CARD_PAYMENT_TIMEOUT_MINUTES = 60
    variant = buyable_variant(quantity=5)
    stale, fresh = _card_order(variant, minutes_ago=90), _card_order(variant, minutes_ago=10)
    assert Stock.objects.get(variant=variant).quantity == 1

    assert release_abandoned_card_orders_task() == 1
    assert Order.objects.get(pk=stale.pk).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=fresh.pk).status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 3
    payment = Payment.objects.get(order=stale)
    assert payment.status == PaymentStatus.FAILED
    assert stripe_client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert release_abandoned_card_orders_task() == 0  # idempotent


def test_an_order_paid_at_stripe_is_never_cancelled_even_before_its_webhook():
    variant = buyable_variant(quantity=5)
    order = _card_order(variant, minutes_ago=90)
    pay_with_test_card(stripe_client(), Payment.objects.get(order=order).stripe_payment_intent_id)
    assert release_abandoned_card_orders_task() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.UNCONFIRMED
    assert Stock.objects.get(variant=variant).quantity == 3
