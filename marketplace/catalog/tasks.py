"""Celery tasks of this app (take ids, run after commit)."""

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def product_hidden_notify_task(moderation_id: int) -> int:
    from marketplace.catalog.services import product_hidden_notify
    from marketplace.producers.policies import SYSTEM_TASK

    return product_hidden_notify(moderation_id=moderation_id, by=SYSTEM_TASK)
