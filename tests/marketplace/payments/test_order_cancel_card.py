"""Cancelling an unpaid card order cancels its PaymentIntent at Stripe first (localstripe), so no money can
arrive for a cancelled order; a paid one is refused to its buyer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client

from marketplace.catalog.models import Stock
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.policies import GuestTokenActor
from marketplace.orders.services import order_payment_received
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.services import card_payment_start, order_cancel_with_payment, stripe_client
from marketplace.producers.policies import SYSTEM_WEBHOOK
from tests.factories.orders import buyable_variant, place_order
from tests.stripe_helpers import _localstripe_server, localstripe, pay_with_test_card  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("localstripe")]


def test_guest_cancel_of_a_card_order_cancels_the_intent_first():
    variant = buyable_variant(quantity=5)
    order = place_order((variant, 2), payment_method="card")
    payment = card_payment_start(order=order, by=AnonymousUser())
    response = Client().post(f"/orders/{order.token}/cancel/", {"confirmed": "1"})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert Stock.objects.get(variant=variant).quantity == 5
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    assert stripe_client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"


def test_a_paid_card_order_is_refused_to_its_buyer_and_stripe_untouched():
    variant = buyable_variant(quantity=5)
    order = place_order((variant, 2), payment_method="card")
    payment = card_payment_start(order=order, by=AnonymousUser())
    pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    order_payment_received(
        order=order, by=SYSTEM_WEBHOOK
    )  # what the verified payment_intent.succeeded webhook does
    order.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        order_cancel_with_payment(order=order, by=GuestTokenActor(token=order.token))
    assert exc.value.messages == ["Đơn đã thanh toán: vui lòng liên hệ Chợ OCOP để được hủy và hoàn tiền."]
    assert Stock.objects.get(variant=variant).quantity == 3
    assert stripe_client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "succeeded"
