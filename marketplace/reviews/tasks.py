"""Celery tasks of this app: none yet; rating summaries are kept in the writing transaction."""
