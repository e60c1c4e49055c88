"""Celery tasks of producer money (take ids, run after commit)."""

from celery import shared_task
from django.core.exceptions import ValidationError

from marketplace.money.emails import payout_sent_emails_send, return_email_send
from marketplace.producers.policies import SYSTEM_TASK


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def return_email_send_task(request_id: int, event: str) -> int:
    return return_email_send(request_id=request_id, event=event)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def payout_sent_emails_send_task(batch_id: int) -> int:
    return payout_sent_emails_send(batch_id=batch_id)


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=300)
def order_refund_card_task(self, refund_id: int) -> str:
    """Refund a cancelled card order through Stripe; a gateway error retries (same idempotency key)."""
    from marketplace.money.services import order_refund_send_card

    try:
        return order_refund_send_card(refund_id=refund_id, by=SYSTEM_TASK).status
    except ValidationError as exc:
        if self.request.called_directly or self.request.is_eager:
            return "due"
        raise self.retry(exc=exc) from exc
