"""Who may see and move producer money: decided by marketplace.producers.policies (VIEW_MONEY for a
producer's own ledger; staff permissions for payouts, refunds and the bank-transfer queue)."""

from marketplace.producers.policies import (
    Actor,
    ProducerAction,
    require_producer_action,
    require_staff_with,
)

# Staff permissions for platform-wide money work.
PAYOUT_PERMISSION = "money.add_payoutbatch"
REFUND_PERMISSION = "money.add_refund"
BANK_QUEUE_PERMISSION = "money.change_banknotification"
REMITTANCE_PERMISSION = "money.add_codremittance"
ADJUST_PERMISSION = "money.add_ledgerentry"
TAX_REPORT_PERMISSION = "money.view_ledgerentry"


def require_view_money(*, actor: Actor, producer_id: int) -> None:
    require_producer_action(actor=actor, action=ProducerAction.VIEW_MONEY, producer_id=producer_id)


def require_payout(actor: Actor) -> None:
    require_staff_with(actor, PAYOUT_PERMISSION)


def require_refund(actor: Actor) -> None:
    require_staff_with(actor, REFUND_PERMISSION)


def require_bank_queue(actor: Actor) -> None:
    require_staff_with(actor, BANK_QUEUE_PERMISSION)


def require_remittance(actor: Actor) -> None:
    require_staff_with(actor, REMITTANCE_PERMISSION)


def require_adjust(actor: Actor) -> None:
    require_staff_with(actor, ADJUST_PERMISSION)


def require_tax_report(actor: Actor) -> None:
    require_staff_with(actor, TAX_REPORT_PERMISSION)
