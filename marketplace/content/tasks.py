"""Celery tasks of this app (take ids, run after commit)."""
