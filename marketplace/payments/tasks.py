"""Celery tasks of this app (take ids, run after commit)."""

from celery import shared_task
from django.conf import settings

from marketplace.payments.selectors import card_orders_abandoned
from marketplace.payments.services import card_order_release
from marketplace.producers.policies import SYSTEM_TASK


@shared_task(acks_late=True)
def release_abandoned_card_orders_task() -> int:
    """Beat: card orders unpaid after CARD_PAYMENT_TIMEOUT_MINUTES give their stock back. Idempotent."""
    ids = card_orders_abandoned(older_than_minutes=settings.CARD_PAYMENT_TIMEOUT_MINUTES)
    return sum(card_order_release(order_id=order_id, by=SYSTEM_TASK) for order_id in ids)
