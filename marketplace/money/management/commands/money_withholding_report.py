"""The monthly withholding report (Decree 117/2025) as CSV: per household producer, then the total."""

import re

from django.core.management.base import BaseCommand, CommandError

from marketplace.money.selectors import withholding_report_csv
from marketplace.producers.policies import SYSTEM_TASK


class Command(BaseCommand):
    help = "Print the VAT/PIT withheld for household producers in a month: --month YYYY-MM."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True)

    def handle(self, *args, **options):
        match = re.fullmatch(r"(\d{4})-(\d{2})", options["month"])
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise CommandError("--month must look like 2026-07")
        self.stdout.write(
            withholding_report_csv(year=int(match.group(1)), month=int(match.group(2)), by=SYSTEM_TASK),
            ending="",
        )
