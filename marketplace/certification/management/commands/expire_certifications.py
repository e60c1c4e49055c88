from django.core.management.base import BaseCommand

from marketplace.certification.services import certifications_expire


class Command(BaseCommand):
    help = "Expire OCOP certificates older than 36 months (the same work as the daily beat task)."

    def handle(self, *args, **options):
        product_ids = certifications_expire()
        self.stdout.write(f"Expired the certificates of {len(product_ids)} product(s).")
