"""Import a carrier's COD remittance statement: prints the plan; --apply records the matching rows."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketplace.money.services import REMITTANCE_MAX_BYTES, remittance_apply, remittance_plan
from marketplace.producers.policies import SYSTEM_IMPORT


class Command(BaseCommand):
    help = "Plan (default) or apply (--apply) a COD remittance CSV: order_reference, amount, date."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as handle:
            content = handle.read(REMITTANCE_MAX_BYTES + 1)
        try:
            if options["apply"]:
                plan = remittance_apply(content=content, by=SYSTEM_IMPORT)
            else:
                plan = remittance_plan(content=content)
        except ValidationError as exc:
            raise CommandError(f"{path}: {'; '.join(exc.messages)}") from exc
        for row in plan:
            self.stdout.write(f"{row.row}\t{row.reference}\t{row.amount}\t{row.remitted_on}\t{row.outcome}")
        applied = sum(row.outcome == "apply" for row in plan)
        verb = "applied" if options["apply"] else "would apply"
        self.stdout.write(f"{verb} {applied} of {len(plan)} rows")
