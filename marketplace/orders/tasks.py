"""Celery tasks of this app (take ids, run after commit)."""

from celery import shared_task
from django.conf import settings

from marketplace.orders.emails import order_cancelled_emails_send, order_emails_send
from marketplace.orders.services import orders_release_expired_transfers
from marketplace.producers.policies import SYSTEM_TASK


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def order_emails_send_task(order_id: int, shopper: bool = True, producers: bool = True) -> int:
    return order_emails_send(order_id=order_id, shopper=shopper, producers=producers)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def order_cancelled_emails_send_task(event_ids: list[int], producers: bool = True) -> int:
    return order_cancelled_emails_send(event_ids=event_ids, producers=producers)


@shared_task(acks_late=True)
def release_expired_bank_transfer_orders_task() -> int:
    """Beat: bank-transfer orders unpaid after BANK_TRANSFER_HOLD_HOURS give their stock back. Idempotent."""
    return orders_release_expired_transfers(
        by=SYSTEM_TASK, older_than_hours=settings.BANK_TRANSFER_HOLD_HOURS
    )
