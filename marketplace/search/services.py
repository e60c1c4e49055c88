"""Keeping the search index in line with the catalogue.

Catalogue and certification services call `search_products_changed(product_ids=...)` inside their
transaction. With the PostgreSQL backend (the default) that is a no-op: its documents are kept by database
triggers in the same transaction (search/migrations/0004). With
Elasticsearch the products are queued in `search.DirtyProduct` (same transaction, so a rollback queues
nothing) and, after commit, a Celery task re-indexes the queue in batches.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from marketplace.producers.policies import Actor, require_system
from marketplace.search.models import DirtyProduct
from marketplace.search.selectors import search_backend

logger = logging.getLogger(__name__)


def search_uses_external_index() -> bool:
    return bool(getattr(import_string(settings.SEARCH_BACKEND), "uses_external_index", False))


def search_products_changed(*, product_ids: Iterable[int]) -> int:
    """Queue these products for re-indexing; returns how many were queued (0 with PostgreSQL search)."""
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    if ids and settings.SEARCH_RESULT_CACHE_SECONDS:
        # After commit: a reader must not cache the old answer again between the drop and the commit.
        transaction.on_commit(_search_results_forget)
    if not ids or not search_uses_external_index():
        return 0
    with transaction.atomic():
        # Ascending ids: two transactions marking overlapping sets lock the queue rows in the same order.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO search_dirtyproduct (product_id, version, marked_at)
                SELECT unnest(%s::bigint[]), 1, now()
                ON CONFLICT (product_id) DO UPDATE
                SET version = search_dirtyproduct.version + 1, marked_at = now()
                """,
                [ids],
            )
        transaction.on_commit(_enqueue_indexing)
    return len(ids)


def _search_results_forget() -> None:
    """Drop every cached search answer (PostgreSQL backend's result cache), whatever its query."""
    from marketplace.search.backends.postgres import forget_cached_results

    forget_cached_results()


def _enqueue_indexing() -> None:
    """After commit: the change is saved whatever happens here, so a broker or search outage must not turn
    the shopper's or producer's request into an error. The products stay queued and beat's sweep
    (search-index-dirty-sweep) indexes them once the services are back."""
    from marketplace.search.tasks import search_index_dirty_task

    try:
        search_index_dirty_task.delay()
    except Exception:
        logger.exception("search: could not start indexing now; the queued products wait for the next sweep")


def search_index_dirty_batch(*, batch_size: int | None = None, by: Actor) -> int:
    """Index one batch of queued products and clear exactly the queue entries it indexed; returns the
    number of products handled (0 when the queue is empty). Safe to run in several workers at once: at
    worst a product is indexed twice, never skipped.

    With a backend that needs no index (PostgreSQL) the queue is simply cleared: what is left there from a
    time the site ran on Elasticsearch must not grow for ever."""
    require_system(by)
    batch_size = batch_size or settings.SEARCH_INDEX_BATCH_SIZE
    entries = list(
        DirtyProduct.objects.order_by("marked_at", "product_id").values_list("product_id", "version")[
            :batch_size
        ]
    )
    if not entries:
        return 0
    product_ids = [product_id for product_id, _ in entries]
    if search_uses_external_index():
        # Reads of product data happen after reading the versions: a change committed in between bumps the
        # version, so the delete below leaves it queued for the next batch.
        search_backend().index_products(product_ids)
    _clear_entries(entries)
    return len(entries)


@transaction.atomic
def _clear_entries(entries: list[tuple[int, int]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM search_dirtyproduct d
            USING (SELECT unnest(%s::bigint[]) AS product_id, unnest(%s::integer[]) AS version) done
            WHERE d.product_id = done.product_id AND d.version = done.version
            """,
            [[pk for pk, _ in entries], [version for _, version in entries]],
        )


def search_index_rebuild(*, by: Actor) -> int:
    """Full rebuild of the configured backend's index; returns the number of products indexed. The queue is
    left alone: re-indexing a queued product once more is harmless, dropping a change is not."""
    require_system(by)
    return search_backend().rebuild()


@transaction.atomic
def search_facets_compact(*, today: datetime.date | None = None, by: Actor) -> int:
    """Re-count `search_facetcount` from the documents for `today` (the site's date by default), folding in
    and clearing the deltas the catalogue triggers appended (which also repairs any drift); returns the
    number of deltas folded. Counts stay exact while it runs: readers see counts + deltas from one
    snapshot, writers wait for it to commit."""
    require_system(by)
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_facets_compact(%s)", [today or timezone.localdate()])
        row = cursor.fetchone()
        return int(row[0]) if row else 0
