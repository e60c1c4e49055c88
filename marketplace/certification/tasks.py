from celery import shared_task

from marketplace.certification.services import certifications_expire


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300)
def expire_certifications_task() -> int:
    """Daily (beat): expire certificates past 36 months. Idempotent."""
    return len(certifications_expire())
