from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marketplace.core.demo.loader import demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo OCOP catalogue and demo accounts (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="do nothing when the demo was loaded before")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if once and demo_is_loaded():
            self.stdout.write("Demo catalogue already loaded.")
            return
        report = demo_load()
        self.stdout.write(
            f"Demo catalogue: {report.producers} producer(s), {report.products} product(s), "
            f"{report.certifications} certification(s), {report.users} user(s), "
            f"{report.orders} order(s), {report.pictures} picture(s) created."
        )
