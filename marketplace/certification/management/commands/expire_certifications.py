from django.core.management.base import BaseCommand

from marketplace.certification.services import certification_reminders_send, certifications_expire
from marketplace.producers.policies import SYSTEM_TASK


class Command(BaseCommand):
    help = (
        "Expire OCOP certificates older than 36 months and e-mail producers 30 days before expiry "
        "(the same work as the daily beat tasks)."
    )

    def handle(self, *args, **options):
        product_ids = certifications_expire(by=SYSTEM_TASK)
        reminded = certification_reminders_send(by=SYSTEM_TASK)
        self.stdout.write(f"Expired the certificates of {len(product_ids)} product(s).")
        self.stdout.write(f"Sent expiry reminders for {len(reminded)} certificate(s).")
