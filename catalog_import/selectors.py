"""Reads of the import pipeline for other parts of the site."""

from catalog_import.models import ImportRun, RunStatus


def decision_source_run(*, decision_id: int) -> ImportRun | None:
    """The applied import that kept the decision's uploaded file (the newest when several did), or None
    (decisions imported from the command line keep no file)."""
    return (
        ImportRun.objects.filter(decision_id=decision_id, status=RunStatus.APPLIED)
        .exclude(upload="")
        .order_by("-applied_at", "-id")
        .first()
    )
