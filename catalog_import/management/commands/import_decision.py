"""manage.py import_decision PATH... [--dry-run] [--json] [--number] [--date] [--issuer] [--kind]

The files are the parts of ONE decision (an annex may come in several files); they are applied together in one
transaction. Exit 0 when applied (or planned with --dry-run), 2 on unusable input (nothing applied)."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog_import.models import Outcome
from catalog_import.planning import Plan
from catalog_import.services import ImportRejected, import_files
from marketplace.certification.models import DecisionKind
from marketplace.producers.policies import SYSTEM_IMPORT


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, got {value!r}", returncode=2) from exc


class Command(BaseCommand):
    help = "Import an official OCOP decision (CSV, XLSX, DOCX, PDF; scanned PDF, JPEG, PNG or TIFF by OCR)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--number", default="", help='e.g. "1234/QĐ-UBND"')
        parser.add_argument("--date", default="", help="YYYY-MM-DD")
        parser.add_argument("--issuer", default="", help='e.g. "UBND tỉnh Sơn La"')
        parser.add_argument("--kind", default="", choices=["", *DecisionKind.values])

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["paths"]]
        date = _date(options["date"]) if options["date"] else None
        progress = pages = None
        if not options["json"] and sys.stderr.isatty():
            from tqdm import tqdm

            progress = tqdm(desc="rows", unit=" rows", file=sys.stderr, leave=False)
            page_bar = tqdm(desc="pages read (OCR)", unit=" page", file=sys.stderr, leave=False)

            def pages(done: int, total: int) -> None:
                page_bar.total = total
                page_bar.update(done - page_bar.n)

        try:
            plan, run = import_files(
                paths=paths,
                number=options["number"],
                date=date,
                issuer=options["issuer"],
                kind=options["kind"],
                dry_run=options["dry_run"],
                progress=progress,
                by=SYSTEM_IMPORT,
                pages=pages,
            )
        except ImportRejected as rejected:
            self._report(rejected.plan, options, applied=False)
            raise CommandError(
                f"{len(rejected.plan.errors)} error(s); nothing applied.", returncode=2
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages) + " Nothing applied.", returncode=2) from None
        finally:
            if progress is not None:
                progress.close()
        self._report(plan, options, applied=run is not None)

    def _report(self, plan: Plan, options, *, applied: bool) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_json(), ensure_ascii=False))
            return
        meta = plan.meta
        when = f"{meta.date:%d/%m/%Y}" if meta.date else "?"
        self.stdout.write(f"Decision {meta.number or '?'} of {when}, {meta.issuer or '?'} ({meta.kind})")
        for row in plan.rows:
            line = f"  {row.source.location:>24}  {row.outcome:<10}  {row.source.product}"
            if row.source.producer:
                line += f" — {row.source.producer}"
            if row.message:
                line += f"  [{row.message}]"
            self.stdout.write(line)
        for error in plan.errors:
            self.stderr.write(f"ERROR {error.message}")
        counts = plan.counts()
        summary = ", ".join(f"{counts[o.value]} {o.value}" for o in Outcome if counts[o.value])
        verb = (
            "Applied"
            if applied
            else ("Planned (dry run)" if options["dry_run"] and not plan.errors else "Rejected")
        )
        self.stdout.write(f"{verb}: {summary or 'no rows'}.")
