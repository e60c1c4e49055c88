"""Celery tasks of the search app. They take no product ids: the queue (search.DirtyProduct) is the input,
so a lost or duplicated message can never lose an update, only cause a harmless second pass."""

import logging
import time

from celery import shared_task
from django.conf import settings
from elasticsearch import TransportError
from elasticsearch.helpers import BulkIndexError

from marketplace.producers.policies import SYSTEM_TASK
from marketplace.search.services import (
    search_facets_compact,
    search_index_dirty_batch,
    search_index_rebuild,
)

logger = logging.getLogger(__name__)

# One run drains the queue for at most this long, then hands over to a fresh task message.
DRAIN_SECONDS = 60


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransportError, BulkIndexError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def search_index_dirty_task(self) -> int:
    """Re-index queued products in batches until the queue is empty. Idempotent; also run by beat as a
    sweep, so changes queued while the broker was down are picked up."""
    started = time.monotonic()
    handled = 0
    while True:
        count = search_index_dirty_batch(batch_size=settings.SEARCH_INDEX_BATCH_SIZE, by=SYSTEM_TASK)
        handled += count
        if count == 0:
            break
        if time.monotonic() - started > DRAIN_SECONDS:
            self.apply_async(countdown=1)
            break
    if handled:
        logger.info("search index: %d product(s) re-indexed", handled)
    return handled


@shared_task(
    acks_late=True,
    autoretry_for=(TransportError,),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
)
def search_index_rebuild_task() -> int:
    """Full rebuild with an alias swap (the same work as `manage.py search_index --rebuild`)."""
    return search_index_rebuild(by=SYSTEM_TASK)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def search_facets_compact_task() -> int:
    """Beat, every minute: keeps the facet deltas (read by every listing) down to a handful of rows."""
    return search_facets_compact(by=SYSTEM_TASK)
