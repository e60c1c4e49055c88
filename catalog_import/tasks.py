import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

from catalog_import.models import ImportRun
from catalog_import.services import import_run_apply, import_run_read, inbox_scan

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def import_run_apply_task(run_id: int, user_id: int | None = None) -> str:
    """Apply an uploaded decision (the admin's confirm). Same code as the command."""
    from django.contrib.auth import get_user_model

    run = ImportRun.objects.get(pk=run_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return import_run_apply(run=run, user=user).status


@shared_task(acks_late=True)
def import_run_read_task(run_id: int) -> str:
    """Read an uploaded scan by OCR (the run's page shows the pages read) and record its plan."""
    return import_run_read(run=ImportRun.objects.get(pk=run_id)).status


@shared_task(acks_late=True)
def scan_decisions_inbox_task() -> int:
    """Beat: import decision files dropped into DECISIONS_INBOX (unset: nothing to do)."""
    if not settings.DECISIONS_INBOX:
        return 0
    inbox = Path(settings.DECISIONS_INBOX)
    if not inbox.is_dir():
        logger.warning("DECISIONS_INBOX %s is not a folder", inbox)
        return 0
    results = inbox_scan(inbox=inbox)
    for result in results:
        logger.info("decision inbox: %s", result)
    return len(results)
