import json
import logging
import time

import pytest

from marketplace.orders.models import Order, OrderStatus, PaymentState
from marketplace.payments.models import Payment, PaymentStatus, StripeWebhookEvent
from tests.factories.orders import buyable_variant, place_order
from tests.stripe_helpers import WEBHOOK_SECRET, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook/"


@pytest.fixture
def card_order(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    order = place_order((buyable_variant(price=200_000), 2), payment_method="card")
    Payment.objects.filter(order=order).update(stripe_payment_intent_id="pi_test_1")
    return order


def _intent(order, **extra) -> dict:
    return {
        "id": "pi_test_1",
        "object": "payment_intent",
        "amount": order.total_amount,
        "currency": "vnd",
        **extra,
    }


def _post(client, payload: bytes, signature: str):
    return client.post(URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def _state(order) -> tuple:
    order = Order.objects.get(pk=order.pk)
    payment = Payment.objects.get(order=order)
    return order.status, order.payment_state, payment.status, StripeWebhookEvent.objects.count()


def test_signed_succeeded_event_marks_the_order_paid_and_confirmed(client, card_order):
    payload = stripe_event("payment_intent.succeeded", _intent(card_order))
    response = _post(client, payload, stripe_signature(payload))
    assert response.status_code == 200
    assert _state(card_order) == (OrderStatus.CONFIRMED, PaymentState.PAID, PaymentStatus.SUCCEEDED, 1)


@pytest.mark.parametrize(
    "signature",
    [
        "t=1,v1=deadbeef",
        "",
        "garbage",
        "forged-with-another-secret",
        "stale",
    ],
)
def test_forged_or_stale_signature_is_rejected_and_changes_nothing(client, card_order, signature):
    payload = stripe_event("payment_intent.succeeded", _intent(card_order))
    if signature == "forged-with-another-secret":
        signature = stripe_signature(payload, secret="whsec_attacker")
    elif signature == "stale":
        signature = stripe_signature(payload, timestamp=int(time.time()) - 600)
    before = _state(card_order)
    response = _post(client, payload, signature)
    assert response.status_code == 400
    assert (
        _state(card_order)
        == before
        == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID, PaymentStatus.PENDING, 0)
    )


def test_tampered_body_is_rejected(client, card_order):
    payload = stripe_event("payment_intent.succeeded", _intent(card_order))
    signature = stripe_signature(payload)
    tampered = payload.replace(b'"vnd"', b'"usd"')
    assert _post(client, tampered, signature).status_code == 400
    assert _state(card_order)[1] == PaymentState.UNPAID


def test_replayed_event_changes_nothing_the_second_time(client, card_order):
    payload = stripe_event("payment_intent.succeeded", _intent(card_order), event_id="evt_once")
    assert _post(client, payload, stripe_signature(payload)).content == b"ok"
    after_first = _state(card_order)
    Order.objects.filter(pk=card_order.pk).update(status=OrderStatus.SHIPPED)  # life goes on
    response = _post(client, payload, stripe_signature(payload))
    assert response.status_code == 200 and response.content == b"duplicate"
    assert _state(card_order) == (OrderStatus.SHIPPED, *after_first[1:])


def test_failed_payment_is_recorded_and_order_stays_unpaid(client, card_order):
    intent = _intent(card_order, last_payment_error={"message": "Your card was declined."})
    payload = stripe_event("payment_intent.payment_failed", intent, event_id="evt_fail")
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    payment = Payment.objects.get(order=card_order)
    assert (payment.status, payment.failure_message) == (PaymentStatus.FAILED, "Your card was declined.")
    assert _state(card_order)[:2] == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID)


def test_amount_mismatch_does_not_mark_paid(client, card_order):
    payload = stripe_event("payment_intent.succeeded", _intent(card_order, amount=1000), event_id="evt_cheap")
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    assert _state(card_order)[:3] == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID, PaymentStatus.PENDING)


def test_charge_refunded_refunds_the_order(client, card_order):
    paid = stripe_event("payment_intent.succeeded", _intent(card_order), event_id="evt_paid")
    _post(client, paid, stripe_signature(paid))
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_test_1",
        "amount": card_order.total_amount,
        "amount_refunded": card_order.total_amount,
        "refunded": True,
    }
    refunded = stripe_event("charge.refunded", charge, event_id="evt_refund")
    assert _post(client, refunded, stripe_signature(refunded)).status_code == 200
    assert _state(card_order) == (OrderStatus.REFUNDED, PaymentState.REFUNDED, PaymentStatus.REFUNDED, 2)


def test_webhook_accepts_only_post(client):
    assert client.get(URL).status_code == 405


def test_producers_hear_of_a_card_order_only_once_it_is_paid(
    client, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.factories import ProducerFactory

    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_x", "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    producer = ProducerFactory(email="htx@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order((buyable_variant(producer=producer), 1), payment_method="card")
    assert [m.to for m in mail.outbox] == [["khach@example.vn"]]
    Payment.objects.filter(order=order).update(stripe_payment_intent_id="pi_test_1")
    payload = stripe_event("payment_intent.succeeded", _intent(order))
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, payload, stripe_signature(payload)).status_code == 200
    assert [m.to for m in mail.outbox] == [["khach@example.vn"], ["htx@example.vn"]]


# --- Signed events of the wrong shape (issue 12): 400 or ignored, never a 500, nothing changed --------
UNCHANGED = (OrderStatus.UNCONFIRMED, PaymentState.UNPAID, PaymentStatus.PENDING, "")


def _payment_state(order) -> tuple:
    order = Order.objects.get(pk=order.pk)
    payment = Payment.objects.get(order=order)
    return order.status, order.payment_state, payment.status, payment.failure_message


def _post_signed(client, payload: bytes):
    return client.post(
        URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=stripe_signature(payload)
    )


def _raw_event(**fields) -> bytes:
    event = {
        "id": "evt_bad",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
    }
    event.update(fields)
    return json.dumps(event).encode()


def _intent_without(order, **fields) -> dict:
    """The intent with `fields` replaced; a field given as ... is left out."""
    return {key: value for key, value in _intent(order, **fields).items() if value is not ...}


MALFORMED = {
    "data is a string": lambda order: _raw_event(data="payment"),
    "data without object": lambda order: _raw_event(data={}),
    "object is a list": lambda order: _raw_event(data={"object": [_intent_without(order)]}),
    "event id is a number": lambda order: _raw_event(id=12345, data={"object": _intent_without(order)}),
    "event id too long": lambda order: _raw_event(
        id="evt_" + "x" * 300, data={"object": _intent_without(order)}
    ),
    "type is a list": lambda order: _raw_event(type=["payment_intent.succeeded"], data={"object": {}}),
    "intent id missing": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, id=...)
    ),
    "intent id is an object": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, id={"$ne": ""})
    ),
    "intent id too long": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, id="pi_" * 200)
    ),
    "amount is a string": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, amount=str(order.total_amount))
    ),
    "amount is true": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, amount=True)
    ),
    "amount is a float": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, amount=float(order.total_amount))
    ),
    "currency missing": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, currency=...)
    ),
    "amount_received is a list": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, amount_received=[order.total_amount])
    ),
    "last_payment_error is a string": lambda order: stripe_event(
        "payment_intent.payment_failed", _intent_without(order, last_payment_error="declined")
    ),
    "refund amount is a string": lambda order: stripe_event(
        "charge.refunded",
        {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1", "amount_refunded": "800000"},
    ),
    "NUL in the event id": lambda order: _raw_event(id="evt_\u0000", data={"object": _intent_without(order)}),
    "NUL in the intent id": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, id="pi_test_1\u0000")
    ),
    "refund amount missing": lambda order: stripe_event(
        "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1"}
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_signed_event_is_refused_with_400_and_changes_nothing(client, card_order, case, caplog):
    payload = MALFORMED[case](card_order)
    with caplog.at_level(logging.WARNING, logger="marketplace.payments"):
        response = _post_signed(client, payload)
    assert response.status_code == 400
    assert response.content == b"malformed event"
    assert _payment_state(card_order) == UNCHANGED
    assert StripeWebhookEvent.objects.count() == 0  # refused, so a corrected redelivery is still processed
    assert any("malformed stripe event" in record.getMessage() for record in caplog.records)


IGNORED = {
    "unknown intent": lambda order: stripe_event(
        "payment_intent.succeeded", _intent_without(order, id="pi_unknown")
    ),
    "failed for an unknown intent": lambda order: stripe_event(
        "payment_intent.payment_failed", _intent_without(order, id="pi_unknown", last_payment_error=None)
    ),
    "refund without an intent": lambda order: stripe_event(
        "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": None, "amount_refunded": 5}
    ),
    "unsubscribed type": lambda order: stripe_event(
        "customer.created", {"id": "cus_1", "object": "customer"}
    ),
}


@pytest.mark.parametrize("case", list(IGNORED))
def test_a_well_formed_event_about_something_unknown_is_acknowledged_and_ignored(
    client, card_order, case, caplog
):
    payload = IGNORED[case](card_order)
    with caplog.at_level(logging.INFO, logger="marketplace.payments"):
        response = _post_signed(client, payload)
    assert response.status_code == 200
    assert _payment_state(card_order) == UNCHANGED
    assert StripeWebhookEvent.objects.count() == 1  # acknowledged once: a redelivery is a duplicate
    assert caplog.records, "an ignored event leaves a log line"


def test_a_failure_message_with_a_nul_character_is_stored_without_it(client, card_order):
    error = {"message": "Thẻ bị từ chối\u0000"}
    payload = stripe_event("payment_intent.payment_failed", _intent(card_order, last_payment_error=error))
    assert _post_signed(client, payload).status_code == 200
    assert _payment_state(card_order)[2:] == (PaymentStatus.FAILED, "Thẻ bị từ chối")
