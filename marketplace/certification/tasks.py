from celery import shared_task

from marketplace.certification.services import certification_reminders_send, certifications_expire


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300)
def expire_certifications_task() -> int:
    """Daily (beat): expire certificates past 36 months. Idempotent."""
    return len(certifications_expire())


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300)
def send_expiry_reminders_task() -> int:
    """Daily (beat): e-mail producers 30 days before a certificate ends; each certificate once."""
    return len(certification_reminders_send())
