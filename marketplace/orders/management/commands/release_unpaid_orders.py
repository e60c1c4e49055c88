from django.conf import settings
from django.core.management.base import BaseCommand

from marketplace.orders.services import orders_release_expired_transfers
from marketplace.payments.tasks import release_abandoned_card_orders_task
from marketplace.producers.policies import SYSTEM_TASK


class Command(BaseCommand):
    help = (
        "Cancel unpaid orders past their hold and put their stock back: bank transfers after "
        "BANK_TRANSFER_HOLD_HOURS, card payments after CARD_PAYMENT_TIMEOUT_MINUTES (the same work as the "
        "beat tasks; running it twice changes nothing)."
    )

    def handle(self, *args, **options):
        transfers = orders_release_expired_transfers(
            by=SYSTEM_TASK, older_than_hours=settings.BANK_TRANSFER_HOLD_HOURS
        )
        cards = release_abandoned_card_orders_task()
        self.stdout.write(f"Released {transfers} bank-transfer order(s) and {cards} card order(s).")
