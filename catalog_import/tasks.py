import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

from catalog_import.models import ImportRun
from catalog_import.services import import_run_apply, import_run_read, inbox_scan
from marketplace.producers.policies import SYSTEM_IMPORT, Actor

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def import_run_apply_task(run_id: int, user_id: int | None = None) -> str:
    """Apply an uploaded decision (the admin's confirm) as the staff user who confirmed it (their permission
    is checked again here, when the task runs). Same code as the command."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    run = ImportRun.objects.get(pk=run_id)
    by: Actor = SYSTEM_IMPORT
    if user_id is not None:
        # A user id that no longer resolves is nobody, whom the policy refuses.
        by = get_user_model().objects.filter(pk=user_id).first() or AnonymousUser()
    return import_run_apply(run=run, by=by).status


@shared_task(acks_late=True)
def import_run_read_task(run_id: int) -> str:
    """Read an uploaded scan by OCR (the run's page shows the pages read) and record its plan."""
    return import_run_read(run=ImportRun.objects.get(pk=run_id), by=SYSTEM_IMPORT).status


@shared_task(acks_late=True)
def scan_decisions_inbox_task() -> int:
    """Beat: import decision files dropped into DECISIONS_INBOX (unset: nothing to do)."""
    if not settings.DECISIONS_INBOX:
        return 0
    inbox = Path(settings.DECISIONS_INBOX)
    if not inbox.is_dir():
        logger.warning("DECISIONS_INBOX %s is not a folder", inbox)
        return 0
    results = inbox_scan(inbox=inbox, by=SYSTEM_IMPORT)
    for result in results:
        logger.info("decision inbox: %s", result)
    return len(results)
