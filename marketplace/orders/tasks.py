"""Celery tasks of this app (take ids, run after commit)."""

from celery import shared_task

from marketplace.orders.emails import order_emails_send


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def order_emails_send_task(order_id: int, shopper: bool = True, producers: bool = True) -> int:
    return order_emails_send(order_id=order_id, shopper=shopper, producers=producers)
