"""Writes of producer money. Ledger rows are written in the transaction of the event that causes them
(an order paid, a refund, a payout) and never changed.

Rounding: every computed entry (commission, withheld tax, their reversals) is rounded to the whole dong,
half up, on its own. A reversal is the rounded amount due on everything refunded so far minus what was
already reversed, so refunding a line or a part in several steps reverses exactly what was charged."""

import csv
import datetime
import hashlib
import hmac
import io
import json
import logging
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import Stock
from marketplace.money.error_codes import MoneyErrorCode
from marketplace.money.models import (
    QUEUED_NOTIFICATION_STATUSES,
    BankAccount,
    BankAccountChange,
    BankNotification,
    CodRemittance,
    CommissionRate,
    LedgerEntry,
    LedgerKind,
    NotificationOutcome,
    NotificationStatus,
    OrderRefund,
    OrderRefundStatus,
    PayoutBatch,
    PayoutItem,
    PayoutStatus,
    Refund,
    RefundMethod,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
)
from marketplace.money.policies import (
    require_adjust,
    require_bank_queue,
    require_payout,
    require_refund,
    require_remittance,
)
from marketplace.orders.models import Order, OrderLine, OrderPart, OrderStatus, PaymentState
from marketplace.payments.models import Payment, PaymentMethod
from marketplace.producers.models import Producer, ProducerKind
from marketplace.producers.policies import Actor, acting_user, require_system

logger = logging.getLogger(__name__)

BP = 10_000  # basis points in one
# Decree 117/2025/NĐ-CP: goods sold by household businesses, withheld by the platform.
HOUSEHOLD_VAT_BP = 100  # 1 %
HOUSEHOLD_PIT_BP = 50  # 0.5 %
TAX_KINDS = (LedgerKind.VAT_WITHHELD, LedgerKind.PIT_WITHHELD)


def share(amount: int, rate_bp: int) -> int:
    """`amount` × rate, rounded half up to the whole dong (amounts here are never negative)."""
    return (amount * rate_bp + BP // 2) // BP


def _actor_name(by: Actor) -> str:
    user = acting_user(by)
    return user.email if user is not None else str(by)


def _error(field: str, message: str, code: MoneyErrorCode) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def commission_rate_bp(*, producer_id: int, category_id: int | None, on: datetime.date) -> int:
    """The most specific rate in force on `on`: producer and category, then producer, then category, then
    the platform default (setting MONEY_COMMISSION_DEFAULT_BP)."""
    in_force = Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    scope = Q(producer_id=producer_id, category_id=category_id) | Q(
        producer_id=producer_id, category__isnull=True
    )
    if category_id is not None:
        scope |= Q(producer__isnull=True, category_id=category_id)
    rates = list(CommissionRate.objects.filter(in_force & scope).order_by("-valid_from", "-id"))

    def rank(rate: CommissionRate) -> int:
        return 0 if rate.producer_id and rate.category_id else 1 if rate.producer_id else 2

    if not rates:
        return int(settings.MONEY_COMMISSION_DEFAULT_BP)
    return min(rates, key=rank).rate_bp


def ledger_order_paid(*, order: Order, by: Actor) -> list[LedgerEntry]:
    """The order's money came in: for each live part, its sale per line, the shipping fee, the commission
    per line and (household businesses) VAT and PIT on the goods. Called inside the transaction that marks
    the order paid; a part already booked is skipped. The orders service calling it decided who may mark
    the order paid; `by` is recorded on each entry."""
    on = timezone.localdate(order.paid_at or timezone.now())
    parts = list(
        OrderPart.objects.filter(order=order)
        .exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED])
        .exclude(ledger__kind=LedgerKind.SALE)
        .select_related("producer")
        .order_by("pk")
    )
    lines = OrderLine.objects.filter(part__in=parts).select_related("variant__product").order_by("pk")
    lines_of: dict[int, list[OrderLine]] = {}
    for line in lines:
        lines_of.setdefault(line.part_id, []).append(line)
    name = _actor_name(by)
    entries: list[LedgerEntry] = []
    for part in parts:
        common = {"producer_id": part.producer_id, "part": part, "actor_name": name}
        for line in lines_of.get(part.pk, []):
            category_id = line.variant.product.category_id if line.variant else None
            rate = commission_rate_bp(producer_id=part.producer_id, category_id=category_id, on=on)
            # OrderLine.sale_amount: the goods less the voucher discount this producer funds.
            entries.append(LedgerEntry(kind=LedgerKind.SALE, amount=line.sale_amount, line=line, **common))
            entries.append(
                LedgerEntry(
                    kind=LedgerKind.COMMISSION,
                    amount=-share(line.sale_amount, rate),
                    line=line,
                    rate_bp=rate,
                    **common,
                )
            )
        if part.shipping_amount:
            entries.append(LedgerEntry(kind=LedgerKind.SHIPPING_FEE, amount=part.shipping_amount, **common))
        if part.producer.kind == ProducerKind.HOUSEHOLD:
            goods = sum(line.sale_amount for line in lines_of.get(part.pk, []))
            for kind, rate in (
                (LedgerKind.VAT_WITHHELD, HOUSEHOLD_VAT_BP),
                (LedgerKind.PIT_WITHHELD, HOUSEHOLD_PIT_BP),
            ):
                entries.append(LedgerEntry(kind=kind, amount=-share(goods, rate), rate_bp=rate, **common))
    return LedgerEntry.objects.bulk_create(entries)


def _reversed_so_far(entry: LedgerEntry) -> int:
    return entry.amount + (entry.reversals.aggregate(total=Sum("amount"))["total"] or 0)


def _refunded_goods(*, sales: list[LedgerEntry]) -> int:
    """Goods money refunded so far against these sale entries (positive)."""
    return -(LedgerEntry.objects.filter(reverses__in=sales).aggregate(total=Sum("amount"))["total"] or 0)


def _reverse_to(*, entry: LedgerEntry, refunded_goods: int, common: dict) -> LedgerEntry | None:
    """Reverse a commission or tax entry down to what is due on the goods still kept."""
    charged = -entry.amount
    due_back = share(refunded_goods, entry.rate_bp or 0)
    already_back = charged - (-_reversed_so_far(entry))
    amount = min(due_back, charged) - already_back
    if amount <= 0:
        return None
    return LedgerEntry(
        kind=LedgerKind.REVERSAL, amount=amount, reverses=entry, rate_bp=entry.rate_bp, **common
    )


def _producer_refund_amount(*, line: OrderLine, sale: LedgerEntry) -> int:
    """What the producer gives back once the shopper has been refunded what the line's refunds add up to:
    the same fraction of what the producer was credited for the line (its sale) as the shopper got back of
    what they paid for it, rounded half up on the running total, less what the producer already gave back.
    Without a voucher, or with the producer's own (sale = paid), that is the shopper's refund itself; with a
    staff voucher the producer gives back its undiscounted sale and the platform bears the discount."""
    paid = line.paid_amount
    refunded = line.refunds.aggregate(total=Sum("amount"))["total"] or 0
    if paid <= 0:
        return 0
    due = min(sale.amount, (refunded * sale.amount + paid // 2) // paid)
    return max(due - _refunded_goods(sales=[sale]), 0)


def _book_refund(
    *,
    part: OrderPart,
    line: OrderLine,
    amount: int | None,
    refund: Refund | None,
    by: Actor,
    reason: str,
) -> list[LedgerEntry]:
    """Take `amount` of the line's goods money back from the producer (None: its share of the line's
    refunds to the shopper, `_producer_refund_amount`), with the commission and the withheld tax on it."""
    common = {"producer_id": part.producer_id, "part": part, "actor_name": _actor_name(by), "reason": reason}
    sale = LedgerEntry.objects.get(part=part, line=line, kind=LedgerKind.SALE)
    if amount is None:
        amount = _producer_refund_amount(line=line, sale=sale)
    if amount <= 0:
        return []
    refund_entry = LedgerEntry.objects.create(
        kind=LedgerKind.REFUND, amount=-amount, line=line, reverses=sale, refund=refund, **common
    )
    entries = [refund_entry]
    line_refunded = _refunded_goods(sales=[sale])
    commission = LedgerEntry.objects.filter(part=part, line=line, kind=LedgerKind.COMMISSION).first()
    new: list[LedgerEntry | None] = []
    if commission is not None:
        new.append(
            _reverse_to(
                entry=commission,
                refunded_goods=line_refunded,
                common={**common, "line": line, "refund": refund},
            )
        )
    part_sales = list(LedgerEntry.objects.filter(part=part, kind=LedgerKind.SALE))
    part_refunded = _refunded_goods(sales=part_sales)
    for tax in LedgerEntry.objects.filter(part=part, kind__in=TAX_KINDS).order_by("pk"):
        new.append(_reverse_to(entry=tax, refunded_goods=part_refunded, common={**common, "refund": refund}))
    entries += LedgerEntry.objects.bulk_create([entry for entry in new if entry is not None])
    return entries


def ledger_part_reverse(*, part: OrderPart, by: Actor, reason: str) -> list[LedgerEntry]:
    """The whole part's money goes back to the shopper (a paid part cancelled, an order refunded in full):
    what is left of its sale and shipping is refunded, and the commission and tax on it reversed. Called
    inside the orders service (cancel of a paid part, refund of an order) that decided who may act."""
    entries: list[LedgerEntry] = []
    for sale in (
        LedgerEntry.objects.filter(part=part, kind=LedgerKind.SALE).select_related("line").order_by("pk")
    ):
        left = _reversed_so_far(sale)
        if left > 0 and sale.line is not None:
            entries += _book_refund(part=part, line=sale.line, amount=left, refund=None, by=by, reason=reason)
    for shipping in LedgerEntry.objects.filter(part=part, kind=LedgerKind.SHIPPING_FEE):
        left = _reversed_so_far(shipping)
        if left > 0:
            entries.append(
                LedgerEntry.objects.create(
                    producer_id=part.producer_id,
                    part=part,
                    kind=LedgerKind.REFUND,
                    amount=-left,
                    reverses=shipping,
                    actor_name=_actor_name(by),
                    reason=reason,
                )
            )
    return entries


def ledger_order_reverse(*, order: Order, parts: list[OrderPart] | None, by: Actor, reason: str) -> None:
    for part in parts if parts is not None else list(OrderPart.objects.filter(order=order).order_by("pk")):
        ledger_part_reverse(part=part, by=by, reason=reason)


def order_refund_due(*, order: Order, amount: int, by: Actor, reason: str) -> OrderRefund | None:
    """Paid parts were cancelled: record the money owed back to the shopper. Called inside the orders
    service that cancelled them (it decided who may, and reversed the ledger). A card order is refunded
    through Stripe by a task after commit; a bank-transfer order waits for staff to record the transfer."""
    if amount <= 0:
        return None
    card = order.payment_method == PaymentMethod.CARD
    refund = OrderRefund.objects.create(
        order=order,
        amount=amount,
        method=RefundMethod.CARD if card else RefundMethod.BANK_TRANSFER,
        idempotency_key=f"order-refund-{uuid.uuid4()}",
        reason=(reason or "")[:500],
        actor_name=_actor_name(by),
    )
    if card:
        from marketplace.money.tasks import order_refund_card_task

        refund_id = refund.pk
        transaction.on_commit(lambda: order_refund_card_task.delay(refund_id))
    return refund


def order_refund_send_card(*, refund_id: int, by: Actor) -> OrderRefund:
    """Refund a cancelled card order's money through Stripe, once: the row's idempotency key makes a retried
    task (or a retry after a crash between Stripe and the database) the same Stripe refund. Stripe is called
    outside any transaction; a gateway error leaves the refund due for the task's retry."""
    require_system(by)
    refund = OrderRefund.objects.select_related("order").get(pk=refund_id)
    if refund.status == OrderRefundStatus.SENT or refund.method != RefundMethod.CARD:
        return refund
    stripe_id = _stripe_refund(
        order=refund.order, amount=refund.amount, idempotency_key=refund.idempotency_key
    )
    with transaction.atomic():
        refund = OrderRefund.objects.select_for_update().get(pk=refund_id)
        if refund.status == OrderRefundStatus.DUE:
            _order_refund_sent(refund, by=by, stripe_refund_id=stripe_id)
    return refund


def order_refund_retry_card(*, refund: OrderRefund, by: Actor) -> bool:
    """Staff ask for a card refund still due (Stripe was down through every retry) to be sent again, after
    commit, with the same idempotency key. False when there is nothing to send."""
    require_refund(by)
    if refund.status != OrderRefundStatus.DUE or refund.method != RefundMethod.CARD:
        return False
    from marketplace.money.tasks import order_refund_card_task

    refund_id = refund.pk
    transaction.on_commit(lambda: order_refund_card_task.delay(refund_id))
    return True


def _order_refund_sent(refund: OrderRefund, *, by: Actor, **fields: str) -> None:
    for name, value in fields.items():
        setattr(refund, name, value)
    refund.status = OrderRefundStatus.SENT
    refund.sent_by = _actor_name(by)
    refund.sent_at = timezone.now()
    refund.save(update_fields=["status", "sent_by", "sent_at", *fields])


@transaction.atomic
def order_refund_record_transfer(*, refund: OrderRefund, bank_reference: str, by: Actor) -> OrderRefund:
    """Staff sent a cancelled bank-transfer order's money back by bank transfer: record it once, with the
    bank's transaction reference."""
    require_refund(by)
    reference = (bank_reference or "").strip()
    if not reference or len(reference) > 100:
        raise _error(
            "bank_reference", _("Vui lòng nhập mã giao dịch chuyển khoản hoàn tiền."), MoneyErrorCode.INVALID
        )
    refund = OrderRefund.objects.select_for_update().get(pk=refund.pk)
    if refund.status != OrderRefundStatus.DUE or refund.method != RefundMethod.BANK_TRANSFER:
        raise _error("status", _("Khoản hoàn này đã được xử lý."), MoneyErrorCode.INVALID_TRANSITION)
    _order_refund_sent(refund, by=by, bank_reference=reference)
    return refund


def _lock_producer(producer_id: int) -> Producer:
    return Producer.objects.select_for_update().get(pk=producer_id)


def _refund_checked(*, line: OrderLine, quantity: int, amount: int) -> None:
    order = line.part.order
    if order.payment_state != PaymentState.PAID:
        raise _error("amount", _("Đơn chưa thanh toán: không có gì để hoàn."), MoneyErrorCode.NOT_PAID)
    if quantity < 1 or amount < 1:
        raise _error("amount", _("Số lượng và số tiền hoàn phải lớn hơn 0."), MoneyErrorCode.INVALID)
    done = line.refunds.aggregate(quantity=Sum("quantity"), amount=Sum("amount"))
    if quantity + (done["quantity"] or 0) > line.quantity:
        raise _error("quantity", _("Số lượng hoàn vượt số lượng đã mua."), MoneyErrorCode.TOO_MUCH)
    # At most what the shopper paid for the line (its price less any voucher discount).
    if amount > line.unit_price_amount * quantity or amount + (done["amount"] or 0) > line.paid_amount:
        raise _error("amount", _("Số tiền hoàn vượt giá trị hàng."), MoneyErrorCode.TOO_MUCH)


def _stripe_refund(*, order: Order, amount: int, idempotency_key: str) -> str:
    from marketplace.payments.services import stripe_client

    payment = (
        Payment.objects.filter(order=order, method=PaymentMethod.CARD)
        .exclude(stripe_payment_intent_id=None)
        .first()
    )
    if payment is None or not payment.stripe_payment_intent_id:
        raise _error("method", _("Đơn không có thanh toán thẻ."), MoneyErrorCode.INVALID)
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": payment.stripe_payment_intent_id, "amount": amount},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        logger.warning("stripe refund for order %s failed: %s", order.pk, exc)
        raise _error(
            "method", _("Cổng thanh toán chưa hoàn được tiền; thử lại sau."), MoneyErrorCode.GATEWAY_ERROR
        ) from exc
    return str(refund.id)


def refund_create(
    *,
    line: OrderLine,
    quantity: int,
    amount: int,
    method: str,
    idempotency_key: str,
    reason: str,
    restock: bool,
    by: Actor,
    bank_reference: str = "",
) -> Refund:
    """Give `amount` back for `quantity` units of a line: by Stripe (the key makes a retry the same refund at
    Stripe and here) or as a recorded bank transfer. The ledger takes the money, commission and withheld tax
    back from the producer in the same transaction; units go back to stock when the producer said so."""
    require_refund(by)
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    reason = (reason or "").strip()[:500]
    if not reason:
        raise _error("reason", _("Vui lòng nhập lý do hoàn tiền."), MoneyErrorCode.INVALID)
    line = OrderLine.objects.select_related("part__order").get(pk=line.pk)
    _refund_checked(line=line, quantity=quantity, amount=amount)
    stripe_id = ""
    if method == RefundMethod.CARD:
        # Outside any transaction: no row lock is held while waiting for Stripe.
        stripe_id = _stripe_refund(order=line.part.order, amount=amount, idempotency_key=idempotency_key)
    elif method != RefundMethod.BANK_TRANSFER or not bank_reference.strip():
        raise _error(
            "bank_reference", _("Vui lòng nhập mã giao dịch chuyển khoản hoàn tiền."), MoneyErrorCode.INVALID
        )
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=line.part.order_id)
        part = OrderPart.objects.select_for_update().get(pk=line.part_id)
        _lock_producer(part.producer_id)
        existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        _refund_checked(line=line, quantity=quantity, amount=amount)
        refund = Refund.objects.create(
            part=part,
            line=line,
            quantity=quantity,
            amount=amount,
            method=method,
            idempotency_key=idempotency_key,
            stripe_refund_id=stripe_id,
            bank_reference=bank_reference.strip()[:100],
            restocked=restock,
            reason=reason,
            actor_name=_actor_name(by),
        )
        # The shopper gets `amount` (what they paid at most); the producer gives back its share of its sale.
        _book_refund(part=part, line=line, amount=None, refund=refund, by=by, reason=reason)
        if restock and line.variant_id:
            Stock.objects.filter(variant_id=line.variant_id).update(quantity=F("quantity") + quantity)
    return refund


def bank_account_set(
    *,
    producer: Producer,
    bank_bin: str,
    account_number: str,
    account_name: str,
    by: Actor,
    password: str = "",
) -> BankAccount:
    """Change where the producer's payouts go. A person re-confirms with their own password (a stolen
    session alone cannot redirect the money); every change is audited with the old and new account."""
    from marketplace.producers.policies import ProducerAction, is_system, require_producer_action

    require_producer_action(actor=by, action=ProducerAction.MANAGE_PROFILE, producer_id=producer.pk)
    if not is_system(by) and not (password and by.check_password(password)):  # type: ignore[attr-defined]
        raise _error("password", _("Mật khẩu không đúng."), MoneyErrorCode.INVALID)
    digits = account_number.replace(" ", "")
    if not (bank_bin.isdigit() and len(bank_bin) == 6 and digits.isdigit() and 6 <= len(digits) <= 19):
        raise _error(
            "account_number",
            _("Mã ngân hàng (BIN) gồm 6 chữ số; số tài khoản 6–19 chữ số."),
            MoneyErrorCode.INVALID,
        )
    name = " ".join(account_name.split()).upper()[:120]
    if not name:
        raise _error("account_name", _("Vui lòng nhập tên chủ tài khoản."), MoneyErrorCode.INVALID)
    with transaction.atomic():
        _lock_producer(producer.pk)
        old = BankAccount.objects.filter(producer=producer).first()
        account, _created = BankAccount.objects.update_or_create(
            producer=producer,
            defaults={
                "bank_bin": bank_bin,
                "account_number": digits,
                "account_name": name,
                "confirmed_at": timezone.now(),
            },
        )
        BankAccountChange.objects.create(
            producer=producer,
            old_account=f"{old.bank_bin} {old.account_number} {old.account_name}" if old else "",
            new_account=f"{bank_bin} {digits} {name}",
            actor_name=_actor_name(by),
            confirmed_by="system" if is_system(by) else "password",
        )
    return account


@transaction.atomic
def payout_batch_create(*, by: Actor, threshold: int | None = None) -> PayoutBatch | None:
    """Pay every producer (with a confirmed bank account) whose payable balance reaches the threshold.
    Producer rows are locked in primary-key order and the balance is computed under the lock, so a second
    batch created at the same time waits and then finds nothing left to pay; a refund (which locks the
    producer too) is either in the sum or waits for it. None when nobody is due."""
    from marketplace.money.selectors import balances_by_producer

    require_payout(by)
    threshold = settings.MONEY_PAYOUT_THRESHOLD_VND if threshold is None else threshold
    ids = list(
        Producer.objects.select_for_update()
        .filter(bank_account__confirmed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    due = {
        pk: b.payable
        for pk, b in balances_by_producer(producer_ids=ids).items()
        if b.payable >= max(threshold, 1)
    }
    if not due:
        return None
    batch = PayoutBatch.objects.create(threshold=threshold, actor_name=_actor_name(by))
    accounts = {account.producer_id: account for account in BankAccount.objects.filter(producer_id__in=due)}
    items = PayoutItem.objects.bulk_create(
        [
            PayoutItem(
                batch=batch,
                producer_id=pk,
                amount=amount,
                bank_bin=accounts[pk].bank_bin,
                account_number=accounts[pk].account_number,
                account_name=accounts[pk].account_name,
            )
            for pk, amount in sorted(due.items())
        ]
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                producer_id=item.producer_id,
                kind=LedgerKind.PAYOUT,
                amount=-item.amount,
                payout=item,
                actor_name=batch.actor_name,
            )
            for item in items
        ]
    )
    return batch


@transaction.atomic
def payout_batch_mark_sent(*, batch: PayoutBatch, by: Actor) -> PayoutBatch:
    require_payout(by)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PayoutStatus.SENT:
        batch.status = PayoutStatus.SENT
        batch.sent_at = timezone.now()
        batch.save(update_fields=["status", "sent_at"])
        from marketplace.money.tasks import payout_sent_emails_send_task

        batch_id = batch.pk
        transaction.on_commit(lambda: payout_sent_emails_send_task.delay(batch_id))
    return batch


@transaction.atomic
def ledger_adjust(*, producer: Producer, amount: int, reason: str, by: Actor) -> LedgerEntry:
    """A staff correction with its reason (positive: owed to the producer)."""
    require_adjust(by)
    reason = (reason or "").strip()[:500]
    if not reason or amount == 0:
        raise _error("reason", _("Điều chỉnh cần số tiền khác 0 và lý do."), MoneyErrorCode.INVALID)
    _lock_producer(producer.pk)
    return LedgerEntry.objects.create(
        producer=producer,
        kind=LedgerKind.ADJUSTMENT,
        amount=amount,
        reason=reason,
        actor_name=_actor_name(by),
    )


# --- Incoming bank transfers ------------------------------------------------------------------------

ORDER_NUMBER_RE = re.compile(r"DH\s?(\d{7})", re.IGNORECASE)


class BankSignatureError(Exception):
    """Not signed with our secret, or outside the replay window."""


def bank_signature_verify(*, payload: bytes, signature: str, timestamp: str) -> dict[str, Any]:
    """HMAC-SHA256 (hex) over "<timestamp>.<raw body>" with BANK_NOTIFY_SECRET, checked before parsing; the
    timestamp (Unix seconds, header X-Timestamp) must be within BANK_NOTIFY_TOLERANCE_SECONDS of now."""
    secret = settings.BANK_NOTIFY_SECRET
    if not secret or not signature or not timestamp.isdigit():
        raise BankSignatureError("missing secret, signature or timestamp")
    if abs(time.time() - int(timestamp)) > settings.BANK_NOTIFY_TOLERANCE_SECONDS:
        raise BankSignatureError("timestamp outside tolerance")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise BankSignatureError("bad signature")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BankSignatureError("not JSON") from exc
    if not isinstance(data, dict):
        raise BankSignatureError("not an object")
    return data


def _notification_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The SePay/Casso-style fields we read; anything malformed is a ValidationError (400)."""
    provider_id = str(data.get("id") or "").strip()
    amount = data.get("transferAmount")
    if (
        not provider_id
        or len(provider_id) > 64
        or not isinstance(amount, int)
        or isinstance(amount, bool)
        or amount <= 0
    ):
        raise _error(
            "payload", "id and a positive integer transferAmount are required", MoneyErrorCode.INVALID
        )
    if str(data.get("transferType") or "in") != "in":
        raise _error("payload", "only incoming transfers are accepted", MoneyErrorCode.INVALID)
    content = str(data.get("content") or data.get("description") or "")[:500]
    return {
        "provider_id": provider_id,
        "amount": amount,
        "content": content,
        "gateway": str(data.get("gateway") or data.get("bank") or "")[:40],
        "account_number": str(data.get("accountNumber") or "")[:30],
        "reference_code": str(data.get("referenceCode") or "")[:64],
        "transaction_date": str(data.get("transactionDate") or "")[:40],
    }


def bank_notification_receive(*, data: dict[str, Any], by: Actor) -> tuple[BankNotification, bool]:
    """Record a verified notification once (its provider id is unique) and, when it names an unpaid
    bank-transfer order and brings exactly its total, mark the order paid. Anything else waits in the staff
    queue with its reason. Returns (notification, created): a replay finds the first row, changes nothing."""
    from marketplace.orders.services import order_payment_received

    require_system(by)
    fields = _notification_fields(data)
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = BankNotification.objects.create(status=NotificationStatus.UNKNOWN, **fields)
        except IntegrityError:
            return BankNotification.objects.get(provider_id=fields["provider_id"]), False
        match = ORDER_NUMBER_RE.search(fields["content"])
        order = (
            Order.objects.select_for_update().filter(number=f"DH{match.group(1)}").first() if match else None
        )
        if order is None:
            status = NotificationStatus.UNKNOWN
        elif order.payment_state != PaymentState.UNPAID or order.status in (
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
        ):
            status = NotificationStatus.ALREADY_PAID
        elif fields["amount"] < order.total_amount:
            status = NotificationStatus.UNDERPAID
        elif fields["amount"] > order.total_amount:
            status = NotificationStatus.OVERPAID
        else:
            status = NotificationStatus.MATCHED
            order_payment_received(order=order, by=by)
        notification.order = order
        notification.status = status
        notification.save(update_fields=["order", "status"])
    return notification, True


def bank_notification_resolve(
    *, notification: BankNotification, outcome: str, reason: str, by: Actor, order_number: str = ""
) -> BankNotification:
    """Staff settle a queued transfer once, saying what was done and why (required): matched to an order
    (the notification's own, or the one staff name for an unknown reference) and marked paid; the money
    sent back to the sender; or ignored. Who, when and why are kept on the row."""
    from marketplace.orders.services import order_mark_paid

    require_bank_queue(by)
    if outcome not in NotificationOutcome.values:
        raise _error("outcome", _("Chọn cách xử lý."), MoneyErrorCode.INVALID)
    reason = _clean_text(reason, "reason", _("Vui lòng ghi lý do / cách đã xử lý."))
    order_number = (order_number or "").strip().upper().replace(" ", "")[:20]
    with transaction.atomic():
        notification = BankNotification.objects.select_for_update().get(pk=notification.pk)
        if notification.status not in QUEUED_NOTIFICATION_STATUSES or notification.outcome:
            raise _error("status", _("Giao dịch này đã được xử lý."), MoneyErrorCode.INVALID_TRANSITION)
        if outcome == NotificationOutcome.MARK_PAID:
            order = notification.order
            if order_number:
                order = Order.objects.filter(number=order_number).first()
            if order is None:
                raise _error("order_number", _("Không tìm thấy đơn hàng."), MoneyErrorCode.NOT_FOUND)
            if order.payment_state != PaymentState.UNPAID or order.status in (
                OrderStatus.CANCELLED,
                OrderStatus.REFUNDED,
            ):
                raise _error(
                    "order_number",
                    _("Đơn đã thanh toán hoặc đã hủy: không thể xác nhận."),
                    MoneyErrorCode.INVALID_TRANSITION,
                )
            order_mark_paid(order=order, by=by)
            notification.order = order
        notification.status = NotificationStatus.RESOLVED
        notification.outcome = outcome
        notification.resolution = reason
        notification.resolved_by = _actor_name(by)
        notification.resolved_at = timezone.now()
        notification.save(
            update_fields=["order", "status", "outcome", "resolution", "resolved_by", "resolved_at"]
        )
    return notification


# --- COD remittance statements ------------------------------------------------------------------------

REMITTANCE_MAX_ROWS = 5_000
REMITTANCE_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class RemittanceRow:
    row: int
    reference: str
    amount: int | None
    remitted_on: datetime.date | None
    outcome: str  # "apply", or the mismatch: unknown_order, amount_mismatch, duplicate, invalid, not_cod
    order_id: int | None = None


def remittance_plan(*, content: bytes) -> list[RemittanceRow]:
    """Read the carrier's statement (CSV with columns order_reference, amount, date as YYYY-MM-DD or
    DD/MM/YYYY) and say what applying it would do, row by row. Changes nothing."""
    if len(content) > REMITTANCE_MAX_BYTES:
        raise _error("file", _("Tệp quá lớn (tối đa 1 MB)."), MoneyErrorCode.INVALID)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error("file", _("Tệp phải là CSV mã hóa UTF-8."), MoneyErrorCode.INVALID) from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"order_reference", "amount", "date"} <= {
        (name or "").strip() for name in reader.fieldnames
    }:
        raise _error("file", _("Cần các cột order_reference, amount, date."), MoneyErrorCode.INVALID)
    raw = []
    for index, record in enumerate(reader, start=2):
        if index - 1 > REMITTANCE_MAX_ROWS:
            raise _error("file", _("Tối đa %(n)d dòng.") % {"n": REMITTANCE_MAX_ROWS}, MoneyErrorCode.INVALID)
        raw.append(
            (index, {(k or "").strip(): v.strip() if isinstance(v, str) else "" for k, v in record.items()})
        )
    numbers = {
        match.group(0).upper().replace(" ", "")
        for _i, record in raw
        if (match := ORDER_NUMBER_RE.search(record["order_reference"]))
    }
    orders = {
        order.number: order
        for order in Order.objects.filter(number__in=numbers).select_related("cod_remittance")
    }
    seen: set[str] = set()
    plan = []
    for index, record in raw:
        match = ORDER_NUMBER_RE.search(record["order_reference"])
        number = match.group(0).upper().replace(" ", "") if match else ""
        amount = (
            int(record["amount"].replace(".", "").replace(",", ""))
            if record["amount"].replace(".", "").replace(",", "").isdigit()
            else None
        )
        remitted_on = _parse_date(record["date"])
        order = orders.get(number)
        outcome, order_id = _remittance_outcome(
            order=order, number=number, seen=seen, amount=amount, remitted_on=remitted_on
        )
        plan.append(
            RemittanceRow(
                row=index,
                reference=record["order_reference"][:40],
                amount=amount,
                remitted_on=remitted_on,
                outcome=outcome,
                order_id=order_id,
            )
        )
        if number:
            seen.add(number)
    return plan


def _remittance_outcome(
    *,
    order: Order | None,
    number: str,
    seen: set[str],
    amount: int | None,
    remitted_on: datetime.date | None,
) -> tuple[str, int | None]:
    if amount is None or remitted_on is None:
        return "invalid", None
    if order is None:
        return "unknown_order", None
    if number in seen or _has_remittance(order):
        return "duplicate", order.pk
    if order.payment_method != PaymentMethod.COD:
        return "not_cod", order.pk
    if amount != order.total_amount:
        return "amount_mismatch", order.pk
    return "apply", order.pk


def _has_remittance(order: Order) -> bool:
    try:
        return order.cod_remittance is not None
    except CodRemittance.DoesNotExist:
        return False


def _parse_date(value: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


@transaction.atomic
def remittance_apply(*, content: bytes, by: Actor) -> list[RemittanceRow]:
    """Record the rows the plan would apply (each order once; an order already remitted is a duplicate);
    mismatches are left for staff. Returns the plan as applied."""
    require_remittance(by)
    plan = remittance_plan(content=content)
    name = _actor_name(by)
    applied = []
    for row in plan:
        if row.outcome != "apply" or row.order_id is None or row.amount is None or row.remitted_on is None:
            applied.append(row)
            continue
        Order.objects.select_for_update().get(pk=row.order_id)
        _remittance, created = CodRemittance.objects.get_or_create(
            order_id=row.order_id,
            defaults={"amount": row.amount, "remitted_on": row.remitted_on, "actor_name": name},
        )
        applied.append(row if created else RemittanceRow(**{**row.__dict__, "outcome": "duplicate"}))
    return applied


# --- Returns ------------------------------------------------------------------------------------------

RETURN_MAX_PHOTOS = 3


def _order_event(
    *, order: Order, part: OrderPart, kind: str, by: Actor, reason: str, amount: int = 0
) -> None:
    """The order's and the part's status history (orders.OrderEvent, append-only)."""
    from marketplace.orders import policies as order_policies
    from marketplace.orders.models import OrderEvent

    OrderEvent.objects.create(
        order=order,
        part=part,
        kind=kind,
        actor_kind=order_policies.actor_kind(order=order, actor=by),
        actor_user=acting_user(by),
        actor_name=_actor_name(by),
        reason=reason[:500],
        amount=amount,
    )


def _return_email(request_id: int, event: str) -> None:
    """The return step's e-mail, after commit (the task takes the id)."""
    from marketplace.money.tasks import return_email_send_task

    transaction.on_commit(lambda: return_email_send_task.delay(request_id, event))


def _clean_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _error(field, message, MoneyErrorCode.INVALID)
    if len(value) > 500:
        raise _error(field, _("Tối đa 500 ký tự."), MoneyErrorCode.INVALID)
    return value


def return_request_create(
    *, line: OrderLine, quantity: int, reason: str, photos: Sequence[Any], by: Actor
) -> ReturnRequest:
    """The buyer asks to return units of a delivered line within the return window, with a reason and up
    to three photos (validated and re-encoded like every uploaded image)."""
    from marketplace.core.images import clean_uploaded_image
    from marketplace.orders import policies as order_policies
    from marketplace.orders.models import OrderEventKind

    order = Order.objects.get(pk=line.part.order_id)
    if not order_policies.is_order_buyer(order=order, actor=by):
        raise PermissionDenied("permission_denied")
    reason = _clean_text(reason, "reason", _("Vui lòng cho biết lý do trả hàng."))
    if len(photos) > RETURN_MAX_PHOTOS:
        raise _error("photos", _("Tối đa %(n)d ảnh.") % {"n": RETURN_MAX_PHOTOS}, MoneyErrorCode.INVALID)
    cleaned = [clean_uploaded_image(photo) for photo in photos]
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        part = OrderPart.objects.select_for_update().get(pk=line.part_id)
        cutoff = timezone.now() - datetime.timedelta(days=settings.MONEY_RETURN_WINDOW_DAYS)
        if part.status != OrderStatus.DELIVERED or part.delivered_at is None or part.delivered_at < cutoff:
            raise _error(
                "line",
                _("Chỉ có thể trả hàng trong %(days)d ngày sau khi nhận.")
                % {"days": settings.MONEY_RETURN_WINDOW_DAYS},
                MoneyErrorCode.INVALID_TRANSITION,
            )
        taken = (
            ReturnRequest.objects.filter(line=line)
            .exclude(status__in=[ReturnStatus.REFUSED, ReturnStatus.REJECTED])
            .aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        if quantity < 1 or quantity + taken > line.quantity:
            raise _error("quantity", _("Số lượng trả vượt số lượng đã mua."), MoneyErrorCode.TOO_MUCH)
        request = ReturnRequest.objects.create(part=part, line=line, quantity=quantity, reason=reason)
        for clean in cleaned:
            photo = ReturnPhoto(request=request)
            photo.image.save(clean.content.name, clean.content, save=True)
        _order_event(order=order, part=part, kind=OrderEventKind.RETURN_REQUESTED, by=by, reason=reason)
        _return_email(request.pk, "requested")
    return request


def _locked_request(request: ReturnRequest) -> tuple[Order, OrderPart, ReturnRequest]:
    order = Order.objects.select_for_update().get(pk=request.part.order_id)
    part = OrderPart.objects.select_for_update().get(pk=request.part_id)
    return order, part, ReturnRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def return_request_decide(
    *, request: ReturnRequest, accept: bool, reason: str, restock: bool, by: Actor
) -> ReturnRequest:
    """The producer accepts (saying whether the units go back to stock) or refuses with a reason; an
    escalated request is decided by staff holding the refund permission."""
    from marketplace.orders.models import OrderEventKind
    from marketplace.producers.policies import ProducerAction, require_producer_action

    order, part, request = _locked_request(request)
    if request.status == ReturnStatus.REQUESTED:
        require_producer_action(actor=by, action=ProducerAction.FULFIL_ORDERS, producer_id=part.producer_id)
    elif request.status == ReturnStatus.ESCALATED:
        require_refund(by)
    else:
        raise _error("status", _("Yêu cầu này đã được xử lý."), MoneyErrorCode.INVALID_TRANSITION)
    if not accept:
        reason = _clean_text(reason, "reason", _("Vui lòng cho biết lý do từ chối."))
    escalated = request.status == ReturnStatus.ESCALATED
    request.status = (
        ReturnStatus.ACCEPTED if accept else (ReturnStatus.REJECTED if escalated else ReturnStatus.REFUSED)
    )
    request.decision_reason = (reason or "").strip()[:500]
    request.restock = restock if accept else False
    request.save(update_fields=["status", "decision_reason", "restock", "updated_at"])
    kind = OrderEventKind.RETURN_ACCEPTED if accept else OrderEventKind.RETURN_REFUSED
    _order_event(order=order, part=part, kind=kind, by=by, reason=request.decision_reason)
    _return_email(request.pk, "accepted" if accept else "refused")
    return request


@transaction.atomic
def return_request_escalate(*, request: ReturnRequest, reason: str, by: Actor) -> ReturnRequest:
    """The buyer disagrees with a refusal: Chợ OCOP's staff decide."""
    from marketplace.orders import policies as order_policies
    from marketplace.orders.models import OrderEventKind

    order, part, request = _locked_request(request)
    if not order_policies.is_order_buyer(order=order, actor=by):
        raise PermissionDenied("permission_denied")
    if request.status != ReturnStatus.REFUSED:
        raise _error(
            "status", _("Chỉ khiếu nại được yêu cầu đã bị từ chối."), MoneyErrorCode.INVALID_TRANSITION
        )
    reason = _clean_text(reason, "reason", _("Vui lòng cho biết lý do khiếu nại."))
    request.status = ReturnStatus.ESCALATED
    request.save(update_fields=["status", "updated_at"])
    _order_event(order=order, part=part, kind=OrderEventKind.RETURN_ESCALATED, by=by, reason=reason)
    _return_email(request.pk, "escalated")
    return request


def return_request_refund(
    *,
    request: ReturnRequest,
    amount: int,
    method: str,
    idempotency_key: str,
    by: Actor,
    bank_reference: str = "",
) -> ReturnRequest:
    """Refund an accepted return (by Stripe or a recorded bank transfer): the ledger reverses the sale, the
    commission and the withheld tax on `amount`; units go back to stock if the producer said so."""
    from marketplace.orders.models import OrderEventKind

    require_refund(by)
    request = ReturnRequest.objects.select_related("line", "part").get(pk=request.pk)
    if request.status != ReturnStatus.ACCEPTED:
        raise _error(
            "status", _("Chỉ hoàn tiền cho yêu cầu đã được chấp nhận."), MoneyErrorCode.INVALID_TRANSITION
        )
    refund = refund_create(
        line=request.line,
        quantity=request.quantity,
        amount=amount,
        method=method,
        idempotency_key=idempotency_key,
        reason=request.reason,
        restock=request.restock,
        by=by,
        bank_reference=bank_reference,
    )
    with transaction.atomic():
        order, part, request = _locked_request(request)
        if request.status == ReturnStatus.ACCEPTED:
            request.status = ReturnStatus.REFUNDED
            request.refund = refund
            request.save(update_fields=["status", "refund", "updated_at"])
            _order_event(
                order=order,
                part=part,
                kind=OrderEventKind.REFUNDED,
                by=by,
                reason=request.reason,
                amount=refund.amount,
            )
            _return_email(request.pk, "refunded")
    return request
