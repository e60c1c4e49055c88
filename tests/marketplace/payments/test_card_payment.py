import pytest
import stripe
from django.contrib.auth.models import AnonymousUser
from stripe.params import PaymentIntentCreateParams

from marketplace.orders.models import Order, OrderStatus, PaymentState
from marketplace.payments.models import Payment
from marketplace.payments.services import _payment_intent_params, card_payment_start, stripe_client
from tests.factories.orders import buyable_variant, place_order
from tests.stripe_helpers import (  # noqa: F401 - fixtures
    _localstripe_server,
    localstripe,
    pay_with_test_card,
    stripe_event,
    stripe_signature,
)

pytestmark = pytest.mark.django_db


def test_card_payment_against_localstripe_completes_through_the_signed_webhook(client, localstripe):  # noqa: F811
    order = place_order((buyable_variant(price=185_000), 3), payment_method="card")
    assert order.total_amount == 555_000  # free shipping from 500.000 ₫

    payment = card_payment_start(order=order, by=AnonymousUser())
    assert payment.stripe_payment_intent_id.startswith("pi_")
    assert payment.stripe_client_secret.startswith(payment.stripe_payment_intent_id)
    # A reload does not create a second intent.
    assert card_payment_start(order=order, by=AnonymousUser()).pk == payment.pk
    assert Payment.objects.filter(order=order).count() == 1

    intent = stripe_client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == (555_000, "vnd")  # zero-decimal: dong as they are

    confirmed = pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    assert confirmed.status == "succeeded"
    payload = stripe_event("payment_intent.succeeded", confirmed.to_dict(), event_id="evt_card_1")
    response = client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload),
    )
    assert response.status_code == 200
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.payment_state) == (OrderStatus.CONFIRMED, PaymentState.PAID)


def test_pay_page_renders_the_stripe_form(client, localstripe):  # noqa: F811
    order = place_order((buyable_variant(), 1), payment_method="card")
    html = client.get(f"/orders/{order.token}/pay/").content.decode()
    payment = Payment.objects.get(order=order)
    assert f'data-client-secret="{payment.stripe_client_secret}"' in html
    assert 'data-publishable-key="pk_test_localstripe"' in html
    assert "https://js.stripe.com/v3/" in html


def test_gateway_down_tells_the_shopper(client, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    order = place_order((buyable_variant(), 1), payment_method="card")
    response = client.get(f"/orders/{order.token}/pay/", follow=True)
    assert "Không kết nối được cổng thanh toán" in response.content.decode()
    assert Payment.objects.get(order=order).stripe_payment_intent_id is None
    assert stripe.StripeClient  # the real client library is what talked to the gateway


def test_intent_parameters_exist_in_the_pinned_stripe_api_version(localstripe):  # noqa: F811
    # Stripe answers 400 to a parameter its API version dropped (payment_method_types since 2026-09-30).
    order = place_order((buyable_variant(price=50_000), 1), payment_method="card")
    params = _payment_intent_params(order)
    known = PaymentIntentCreateParams.__required_keys__ | PaymentIntentCreateParams.__optional_keys__
    assert set(params) <= known
    assert params["allowed_payment_method_types"] == ["card"]
    assert params["metadata"] == {"order_number": order.number, "order_token": str(order.token)}
