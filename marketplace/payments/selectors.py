import datetime
import uuid

from django.utils import timezone

from marketplace.orders.models import Order, OrderStatus, PaymentState
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus


def card_payment_for_order(*, order: Order) -> Payment | None:
    return Payment.objects.filter(order=order, method=PaymentMethod.CARD).order_by("id").first()


def card_charged_for_checkout(*, token: uuid.UUID) -> int:
    """What Stripe has taken on this checkout's card payments, before the order exists."""
    amounts = Payment.objects.filter(
        checkout_token=token, order=None, method=PaymentMethod.CARD, status=PaymentStatus.SUCCEEDED
    ).values_list("amount", flat=True)
    return sum(amounts)


def card_orders_abandoned(*, older_than_minutes: int) -> list[int]:
    """Card orders still unpaid and unconfirmed after the timeout: their stock is held for nobody."""
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    return list(
        Order.objects.filter(
            payment_method=PaymentMethod.CARD,
            payment_state=PaymentState.UNPAID,
            status=OrderStatus.UNCONFIRMED,
            created_at__lt=cutoff,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
