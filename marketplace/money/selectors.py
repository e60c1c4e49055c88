"""Reads of producer money: balances (sums of the ledger), statements, payout files, the tax report."""

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.core.spreadsheet import SafeCsvWriter
from marketplace.money.models import (
    OPEN_RETURN_STATUSES,
    BankAccount,
    LedgerEntry,
    LedgerKind,
    PayoutBatch,
    ReturnRequest,
)
from marketplace.money.policies import require_payout, require_tax_report, require_view_money
from marketplace.orders.models import Order, OrderLine, OrderPart, OrderStatus
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import ProducerKind
from marketplace.producers.policies import Actor


@dataclass(frozen=True)
class Balances:
    balance: int  # everything owed and not yet paid out
    payable: int  # the part of it that may be paid out now
    pending: int  # owed, but still inside the return window or waiting for the COD remittance
    paid: int  # paid out so far


def ready_q(now: datetime.datetime | None = None) -> Q:
    """Entries whose money may be paid out: not tied to an order part (payouts, adjustments), or tied to a
    part delivered longer ago than the return window and, for cash on delivery, remitted by the carrier."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MONEY_RETURN_WINDOW_DAYS)
    delivered = Q(part__status=OrderStatus.DELIVERED, part__delivered_at__lte=cutoff)
    cash_in = ~Q(part__order__payment_method=PaymentMethod.COD) | Q(part__order__cod_remittance__isnull=False)
    returning = OrderPart.objects.filter(returns__status__in=OPEN_RETURN_STATUSES)
    no_open_return = ~Q(part__in=returning)
    return Q(part__isnull=True) | (delivered & cash_in & no_open_return)


def balances_by_producer(
    *, producer_ids: list[int], now: datetime.datetime | None = None
) -> dict[int, Balances]:
    """One grouped query for any number of producers."""
    rows = (
        LedgerEntry.objects.filter(producer_id__in=producer_ids)
        .values("producer_id")
        .annotate(
            balance=Coalesce(Sum("amount"), 0),
            payable=Coalesce(Sum("amount", filter=ready_q(now)), 0),
            paid=Coalesce(Sum("amount", filter=Q(kind=LedgerKind.PAYOUT)), 0),
        )
    )
    found = {
        row["producer_id"]: Balances(
            balance=row["balance"],
            payable=row["payable"],
            pending=row["balance"] - row["payable"],
            paid=-row["paid"],
        )
        for row in rows
    }
    return {pk: found.get(pk, Balances(0, 0, 0, 0)) for pk in producer_ids}


def producer_balances(*, producer_id: int, by: Actor) -> Balances:
    require_view_money(actor=by, producer_id=producer_id)
    return balances_by_producer(producer_ids=[producer_id])[producer_id]


def producer_statement(*, producer_id: int, by: Actor) -> QuerySet[LedgerEntry]:
    """A producer's entries with their order, newest first (one query whatever the length)."""
    require_view_money(actor=by, producer_id=producer_id)
    return (
        LedgerEntry.objects.filter(producer_id=producer_id)
        .select_related("part__order", "line", "payout__batch")
        .order_by("-created_at", "-id")
    )


INTEGER = re.compile(r"-?\d+")


def _cell(value: str) -> str | int:
    """Whole-dong amounts stay numbers (a negative amount is not a formula); SafeCsvWriter guards text."""
    # An account number keeps its leading zeros: only a plain amount becomes a number.
    is_amount = INTEGER.fullmatch(value) and not value.lstrip("-").startswith("0")
    return int(value) if is_amount or value == "0" else value


def producer_bank_account(*, producer_id: int, by: Actor) -> BankAccount | None:
    require_view_money(actor=by, producer_id=producer_id)
    return BankAccount.objects.filter(producer_id=producer_id).first()


def returns_of_part(*, part_id: int) -> QuerySet[ReturnRequest]:
    """A part's return requests with their line and photos (the portal already checked the member)."""
    return (
        ReturnRequest.objects.filter(part_id=part_id)
        .select_related("line", "refund")
        .prefetch_related("photos")
    )


def returnable_lines(*, order_id: int) -> QuerySet[OrderLine]:
    """Lines of the order's parts delivered within the return window (the shopper's return form)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.MONEY_RETURN_WINDOW_DAYS)
    return OrderLine.objects.filter(
        part__order_id=order_id, part__status=OrderStatus.DELIVERED, part__delivered_at__gte=cutoff
    ).order_by("pk")


def order_has_returnable_part(order: Order) -> bool:
    """Whether any part was delivered within the return window (reads the prefetched parts: no query)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.MONEY_RETURN_WINDOW_DAYS)
    return any(
        part.status == OrderStatus.DELIVERED and part.delivered_at is not None and part.delivered_at >= cutoff
        for part in order.parts.all()
    )


STATEMENT_HEADER = ["date", "kind", "order", "sku", "amount_vnd", "reason"]


def statement_rows(entries: Iterable[LedgerEntry]) -> list[list[str]]:
    rows = []
    for entry in entries:
        part, line = entry.part, entry.line
        rows.append(
            [
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                str(LedgerKind(entry.kind).label),
                (part.order.number or "") if part is not None else "",
                line.sku if line is not None else "",
                str(entry.amount),
                entry.reason,
            ]
        )
    return rows


def statement_csv(entries: Iterable[LedgerEntry]) -> str:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(STATEMENT_HEADER)
    for row in statement_rows(entries):
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()


PAYOUT_HEADER = ["account_number", "bank_bin", "account_name", "amount", "content"]


def payout_content(batch_id: int, producer_slug: str) -> str:
    """The transfer description: ASCII, short (banks cut at about 50 characters)."""
    return f"OCOP CHI TRA {batch_id} {producer_slug}"[:50].upper()


def payout_batch_rows(batch: PayoutBatch) -> list[list[str]]:
    items = batch.items.select_related("producer").order_by("producer_id")
    return [
        [
            item.account_number,
            item.bank_bin,
            item.account_name,
            str(item.amount),
            payout_content(batch.pk, item.producer.slug),
        ]
        for item in items
    ]


def payout_batch_csv(batch: PayoutBatch, *, by: Actor) -> str:
    """The bank bulk-transfer file (account numbers: staff who make payouts only)."""
    require_payout(by)
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(PAYOUT_HEADER)
    for row in payout_batch_rows(batch):
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()


TAX_HEADER = ["producer", "registration_code", "vat_withheld_vnd", "pit_withheld_vnd", "total_vnd"]


def withholding_report_rows(*, year: int, month: int) -> list[list[str]]:
    """Net tax withheld per household producer in a month (reversals in that month offset it), then the
    total row: what the platform declares."""
    start = timezone.make_aware(datetime.datetime(year, month, 1))
    end = timezone.make_aware(datetime.datetime(year + (month == 12), month % 12 + 1, 1))
    tax_entries = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end).filter(
        Q(kind__in=[LedgerKind.VAT_WITHHELD, LedgerKind.PIT_WITHHELD])
        | Q(reverses__kind__in=[LedgerKind.VAT_WITHHELD, LedgerKind.PIT_WITHHELD])
    )
    vat_q = Q(kind=LedgerKind.VAT_WITHHELD) | Q(reverses__kind=LedgerKind.VAT_WITHHELD)
    pit_q = Q(kind=LedgerKind.PIT_WITHHELD) | Q(reverses__kind=LedgerKind.PIT_WITHHELD)
    rows_qs = (
        tax_entries.filter(producer__kind=ProducerKind.HOUSEHOLD)
        .values("producer__name", "producer__registration_code")
        .annotate(vat=Coalesce(Sum("amount", filter=vat_q), 0), pit=Coalesce(Sum("amount", filter=pit_q), 0))
        .order_by("producer__name")
    )
    rows: list[list[str]] = []
    total_vat = total_pit = 0
    for row in rows_qs:
        vat, pit = -row["vat"], -row["pit"]
        total_vat, total_pit = total_vat + vat, total_pit + pit
        rows.append(
            [row["producer__name"], row["producer__registration_code"], str(vat), str(pit), str(vat + pit)]
        )
    rows.append(["TOTAL", "", str(total_vat), str(total_pit), str(total_vat + total_pit)])
    return rows


def withholding_report_csv(*, year: int, month: int, by: Actor) -> str:
    """The report as CSV (SafeCsvWriter): staff with the permission, or the management command."""
    require_tax_report(by)
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(TAX_HEADER)
    for row in withholding_report_rows(year=year, month=month):
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()
