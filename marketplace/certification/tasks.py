from celery import shared_task
from django.db import OperationalError

from marketplace.certification.services import certification_reminders_send, certifications_expire
from marketplace.producers.policies import SYSTEM_TASK


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def expire_certifications_task() -> int:
    """Daily (beat): expire certificates past 36 months. Idempotent: a second run the same day changes
    nothing, so a redelivered or retried message is harmless."""
    return len(certifications_expire(by=SYSTEM_TASK))


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300)
def send_expiry_reminders_task() -> int:
    """Daily (beat): e-mail producers 30 days before a certificate ends; each certificate once."""
    return len(certification_reminders_send(by=SYSTEM_TASK))
