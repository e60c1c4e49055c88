from django.core.management.base import BaseCommand

from marketplace.producers.policies import SYSTEM_TASK
from marketplace.search.models import DirtyProduct
from marketplace.search.selectors import search_backend
from marketplace.search.services import search_facets_compact, search_index_dirty_batch, search_index_rebuild


class Command(BaseCommand):
    help = (
        "Maintain the search index of the configured backend. --rebuild builds a new index and swaps the "
        "alias (no downtime); without it, re-indexes the products queued as changed and re-counts the "
        "PostgreSQL facet counts for today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="full rebuild with an alias swap")

    def handle(self, *args, rebuild: bool, **options):
        backend = type(search_backend()).__name__
        if rebuild:
            count = search_index_rebuild(by=SYSTEM_TASK)
            self.stdout.write(f"{backend}: rebuilt the index with {count} product(s).")
            return
        total = 0
        while count := search_index_dirty_batch(by=SYSTEM_TASK):
            total += count
        left = DirtyProduct.objects.count()
        self.stdout.write(f"{backend}: re-indexed {total} queued product(s); {left} left in the queue.")
        # What beat does every minute, for sites that run without a broker (cron) and for `make run`.
        folded = search_facets_compact(by=SYSTEM_TASK)
        self.stdout.write(f"PostgreSQL facet counts: re-counted for today, {folded} change(s) folded in.")
