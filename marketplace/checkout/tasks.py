"""Celery tasks of this app (take ids, run after commit)."""

from celery import shared_task

from marketplace.checkout.services import checkouts_delete_stale
from marketplace.producers.policies import SYSTEM_TASK


@shared_task(acks_late=True)
def delete_stale_checkouts_task() -> int:
    """Daily (beat): forget carts untouched for 30 days. Idempotent."""
    return checkouts_delete_stale(older_than_days=30, by=SYSTEM_TASK)
