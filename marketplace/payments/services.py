"""Card payments through Stripe PaymentIntents and the webhook that settles them.

VND is a zero-decimal currency for Stripe: the amount sent is the number of dong, as stored."""

import json
import logging
import uuid
from typing import TYPE_CHECKING

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stripe.params import PaymentIntentCreateParams

from marketplace.orders.models import Order, OrderStatus, PaymentState
from marketplace.orders.services import order_mark_refunded, order_payment_received
from marketplace.payments.error_codes import PaymentErrorCode
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus, StripeWebhookEvent
from marketplace.producers.policies import SYSTEM_WEBHOOK, Actor, require_actor, require_system

if TYPE_CHECKING:
    from stripe._base_address import BaseAddresses  # not re-exported; the client's argument type

logger = logging.getLogger(__name__)

HANDLED_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded")


class WebhookSignatureError(Exception):
    """The payload was not signed with our secret, or the signature is too old (replay window)."""


def _stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def stripe_client() -> stripe.StripeClient:
    base_addresses: BaseAddresses | None = (
        {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    )
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base_addresses, max_network_retries=2
    )


def _payment_intent_params(order: Order) -> PaymentIntentCreateParams:
    """A card-only intent. Since API version 2026-09-30 (the pinned library's is later) Stripe refuses
    `payment_method_types` with a 400; `allowed_payment_method_types` replaced it."""
    return {
        "amount": order.total_amount,
        "currency": "vnd",
        "allowed_payment_method_types": ["card"],
        "metadata": {"order_number": order.number or "", "order_token": str(order.token)},
    }


def card_payment_start(*, order: Order, by: Actor) -> Payment:
    """The order's PaymentIntent (created once; Stripe's idempotency key makes a retried call return the
    same intent). The page confirms it with Stripe.js using the client secret. Whoever holds the order's
    token link may pay (a guest too)."""
    require_actor(by)
    if order.payment_method != PaymentMethod.CARD or not _stripe_enabled():
        raise ValidationError(
            {
                "payment": ValidationError(
                    "Card payment is not available.", code=PaymentErrorCode.UNAVAILABLE.value
                )
            }
        )
    payment = Payment.objects.filter(order=order, method=PaymentMethod.CARD).order_by("id").first()
    if payment is None:
        payment = Payment.objects.create(order=order, method=PaymentMethod.CARD, amount=order.total_amount)
    if payment.stripe_payment_intent_id:
        return payment
    # The network call stays outside any transaction: no row lock is held while waiting for Stripe.
    intent = stripe_client().v1.payment_intents.create(
        params=_payment_intent_params(order),
        options={"idempotency_key": f"order-{order.token}-card"},
    )
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if not payment.stripe_payment_intent_id:
            payment.stripe_payment_intent_id = intent.id
            payment.stripe_client_secret = intent.client_secret or ""
            payment.save(update_fields=["stripe_payment_intent_id", "stripe_client_secret", "updated_at"])
    return payment


def _unavailable(message: str = "Card payment is not available.") -> ValidationError:
    return ValidationError({"payment": ValidationError(message, code=PaymentErrorCode.UNAVAILABLE.value)})


def checkout_card_payment_start(*, checkout_token: uuid.UUID, amount: int, by: Actor) -> Payment:
    """Saleor's transactionInitialize with its Stripe gateway: a PaymentIntent for the checkout's total,
    before the order exists (checkoutComplete gives the payment its order). One intent per checkout and
    amount: the idempotency key makes a retried call the same intent at Stripe, and a stored one is
    returned as it is. Whoever holds the checkout's token may pay (a guest too)."""
    require_actor(by)
    if not _stripe_enabled():
        raise _unavailable()
    if amount <= 0:
        raise _unavailable(_("Không có gì cần thanh toán bằng thẻ."))
    existing = (
        Payment.objects.filter(
            checkout_token=checkout_token, order=None, method=PaymentMethod.CARD, amount=amount
        )
        .exclude(stripe_payment_intent_id=None)
        .exclude(status=PaymentStatus.FAILED)
        .order_by("-id")
        .first()
    )
    if existing is not None:
        return existing
    # The network call stays outside any transaction: no row lock is held while waiting for Stripe.
    try:
        intent = stripe_client().v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": "vnd",
                "allowed_payment_method_types": ["card"],
                "metadata": {"checkout_token": str(checkout_token)},
            },
            options={"idempotency_key": f"checkout-{checkout_token}-card-{amount}"},
        )
    except stripe.StripeError as exc:
        logger.warning("stripe intent for checkout %s failed: %s", checkout_token, exc)
        raise ValidationError(
            {
                "payment": ValidationError(
                    _("Cổng thanh toán thẻ chưa phản hồi; vui lòng thử lại."),
                    code=PaymentErrorCode.GATEWAY_ERROR.value,
                )
            }
        ) from exc
    with transaction.atomic():
        payment, _created = Payment.objects.get_or_create(
            stripe_payment_intent_id=intent.id,
            defaults={
                "checkout_token": checkout_token,
                "method": PaymentMethod.CARD,
                "amount": amount,
                "stripe_client_secret": intent.client_secret or "",
            },
        )
    return payment


def card_payment_sync(*, payment: Payment, by: Actor) -> Payment:
    """Saleor's transactionProcess for a card: ask Stripe (with our secret key) how the intent stands and
    apply it as its signed webhook would (paid once, whichever comes first)."""
    require_actor(by)
    if not payment.stripe_payment_intent_id or not _stripe_enabled():
        return payment
    try:
        intent = stripe_client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    except stripe.StripeError as exc:
        logger.warning("stripe intent %s could not be read: %s", payment.stripe_payment_intent_id, exc)
        return payment
    with transaction.atomic():
        if intent.status == "succeeded":
            # Stripe's own answer to our authenticated call is as good as its signed webhook.
            fields = intent.to_dict()
            _intent_succeeded(
                {name: fields.get(name) for name in ("id", "amount", "amount_received", "currency")},
                by=SYSTEM_WEBHOOK,
            )
        elif intent.status == "canceled":
            _intent_failed({"id": intent.id, "last_payment_error": None})
    return Payment.objects.get(pk=payment.pk)


def stripe_signature_verify(*, payload: bytes, signature_header: str) -> dict:
    """Stripe's scheme (HMAC-SHA256 of "timestamp.body" with the endpoint secret, 5-minute tolerance)
    checked on the raw body, before any parsing; then the event's shape (WebhookPayloadError)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret or not signature_header:
        raise WebhookSignatureError("missing secret or signature")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature_header, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise WebhookSignatureError(str(exc)) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookSignatureError("not an event")
    _stripe_event_check(event=event)
    return event


class WebhookPayloadError(Exception):
    """A signed event we cannot read: a field we need is missing or of the wrong type."""


STRIPE_ID_MAX_LENGTH = 255  # our columns holding Stripe ids (event, payment intent)
# What each handled event's object must carry: field -> accepted JSON types (None: may be null or absent).
_EVENT_OBJECT_FIELDS: dict[str, dict[str, tuple]] = {
    "payment_intent.succeeded": {
        "id": (str,),
        "currency": (str,),
        "amount": (int,),
        "amount_received": (int, None),
    },
    "payment_intent.payment_failed": {"id": (str,), "last_payment_error": (dict, None)},
    "charge.refunded": {"payment_intent": (str, None), "amount_refunded": (int,)},
}


def _stripe_id(value: object) -> bool:
    # PostgreSQL text cannot hold NUL: such an id would fail the insert instead of being refused.
    return isinstance(value, str) and 0 < len(value) <= STRIPE_ID_MAX_LENGTH and "\x00" not in value


def _stripe_event_check(*, event: dict) -> None:
    """Refuse (WebhookPayloadError) an event whose envelope or object does not have the shape its handler
    reads, before anything is written: a JSON number is never taken for a string, nor `true` for 1."""
    if not _stripe_id(event.get("id")) or not _stripe_id(event.get("type")) or len(event["type"]) > 100:
        raise WebhookPayloadError("the event id or type is missing or invalid")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise WebhookPayloadError("data.object is not an object")
    obj = data["object"]
    for name, types in _EVENT_OBJECT_FIELDS.get(event["type"], {}).items():
        value = obj.get(name)
        if value is None and None in types:
            continue
        if value is None or isinstance(value, bool) or not isinstance(value, types[0]):
            raise WebhookPayloadError(f"{name} is missing or not a {types[0].__name__}")
        if name in ("id", "payment_intent") and not _stripe_id(value):
            raise WebhookPayloadError(f"{name} is not a Stripe id")
    if event["type"] not in HANDLED_EVENTS:
        logger.info("stripe event %s of type %s acknowledged and ignored", event["id"], event["type"])


@transaction.atomic
def stripe_event_process(*, event: dict, by: Actor) -> bool:
    """Apply a verified event once. Returns False when this event id was already processed (a redelivery):
    the unique event id row is written in the same transaction as the change it causes. `by` is the
    verified webhook (SYSTEM_WEBHOOK)."""
    require_system(by)
    try:
        with transaction.atomic():
            StripeWebhookEvent.objects.create(event_id=event["id"], type=event["type"])
    except IntegrityError:
        return False
    obj = (event.get("data") or {}).get("object") or {}
    kind = event["type"]
    if kind == "payment_intent.succeeded":
        _intent_succeeded(obj, by=by)
    elif kind == "payment_intent.payment_failed":
        _intent_failed(obj)
    elif kind == "charge.refunded":
        _charge_refunded(obj, by=by)
    return True


def _payment_for_intent(intent_id: str | None) -> Payment | None:
    if not intent_id:
        logger.info("stripe event without a payment intent ignored")
        return None
    payment = Payment.objects.select_for_update().filter(stripe_payment_intent_id=intent_id).first()
    if payment is None:
        logger.warning("stripe event for unknown payment intent %s", intent_id)
    return payment


def _intent_succeeded(intent: dict, *, by: Actor) -> None:
    payment = _payment_for_intent(intent.get("id"))
    if payment is None:
        return
    received = intent.get("amount_received") or intent.get("amount")
    if str(intent.get("currency", "")).lower() != "vnd" or received != payment.amount:
        logger.error("payment intent %s amount/currency mismatch", intent.get("id"))
        payment.failure_message = "amount or currency mismatch"
        payment.save(update_fields=["failure_message", "updated_at"])
        return
    if payment.status == PaymentStatus.PENDING or payment.status == PaymentStatus.FAILED:
        payment.status = PaymentStatus.SUCCEEDED
        payment.failure_message = ""
        payment.save(update_fields=["status", "failure_message", "updated_at"])
    order = payment.order
    if order is None:
        return  # paid on a checkout: checkoutComplete makes the order, paid
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        # Money arrived for an order that no longer exists for the shop: staff must refund it.
        logger.error(
            "payment %s succeeded for %s order %s: refund it", intent.get("id"), order.status, order.pk
        )
        return
    if order.payment_state == PaymentState.UNPAID:
        order_payment_received(order=order, by=by)


def _intent_failed(intent: dict) -> None:
    payment = _payment_for_intent(intent.get("id"))
    if payment is None or payment.status != PaymentStatus.PENDING:
        return
    error = intent.get("last_payment_error") or {}
    payment.status = PaymentStatus.FAILED
    payment.failure_message = str(error.get("message") or "").replace("\x00", "")[:500]
    payment.save(update_fields=["status", "failure_message", "updated_at"])


def _charge_refunded(charge: dict, *, by: Actor) -> None:
    payment = _payment_for_intent(charge.get("payment_intent"))
    if payment is None:
        return
    if charge.get("amount_refunded", 0) < payment.amount:
        return  # a partial refund changes no status here; staff handle it by hand
    payment.status = PaymentStatus.REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    if payment.order is not None:
        order_mark_refunded(order=payment.order, by=by)


def _card_intent_cancel(*, order_id: int) -> bool:
    """Cancel the order's PaymentIntent at Stripe, if it has one, so it can no longer take money. False when
    Stripe refused (already succeeded or processing, or the gateway is down): never cancel money in flight.
    Called outside any transaction: no row lock is held while waiting for Stripe."""
    payment = Payment.objects.filter(order_id=order_id, method=PaymentMethod.CARD).order_by("id").first()
    if payment is None or not payment.stripe_payment_intent_id or not _stripe_enabled():
        return True
    client = stripe_client()
    try:
        client.v1.payment_intents.cancel(payment.stripe_payment_intent_id)
    except stripe.StripeError:
        try:  # cancelled by an earlier attempt whose order change then failed: done already
            if client.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled":
                return True
        except stripe.StripeError:
            pass
        logger.warning("could not cancel payment intent %s", payment.stripe_payment_intent_id)
        return False
    return True


def card_order_release(*, order_id: int, by: Actor) -> bool:
    """Cancel an abandoned card order: first its PaymentIntent at Stripe (so it can no longer succeed),
    then the order, which puts its units back in stock. Returns False when the order must stay (paid in
    the meantime, or the intent could not be cancelled: its webhook will settle it). A task's work."""
    require_system(by)
    from marketplace.orders.services import order_release_unpaid

    if not _card_intent_cancel(order_id=order_id):
        return False
    reason = _("Chưa thanh toán thẻ sau %(minutes)d phút.") % {
        "minutes": settings.CARD_PAYMENT_TIMEOUT_MINUTES
    }
    return order_release_unpaid(order_id=order_id, by=by, reason=reason)


def order_cancel_with_payment(*, order: Order, by: Actor, reason: str = "") -> Order:
    """orders.services.order_cancel for every caller (order page, admin, API): an unpaid card order's
    PaymentIntent is cancelled at Stripe first, so money cannot arrive for a cancelled order. Who may
    cancel and whether the order still can be are checked before Stripe is called, and again under lock."""
    from marketplace.orders.services import order_cancel, order_cancel_allowed

    if (
        order.payment_method == PaymentMethod.CARD
        and order.payment_state == PaymentState.UNPAID
        and order_cancel_allowed(order=order, by=by)
        and not _card_intent_cancel(order_id=order.pk)
    ):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Thanh toán thẻ của đơn đang được xử lý; vui lòng thử lại sau ít phút."),
                    code=PaymentErrorCode.GATEWAY_ERROR.value,
                )
            }
        )
    return order_cancel(order=order, by=by, reason=reason)
