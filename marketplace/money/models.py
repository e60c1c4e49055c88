"""Producer money: an append-only ledger per producer (balances are sums), commission rates, refunds,
payouts, bank-transfer notifications and COD remittances. Amounts are whole dong."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LedgerKind(models.TextChoices):
    SALE = "sale", _("Doanh thu bán hàng")
    SHIPPING_FEE = "shipping_fee", _("Phí vận chuyển")
    COMMISSION = "commission", _("Phí hoa hồng sàn")
    VAT_WITHHELD = "vat_withheld", _("Thuế GTGT khấu trừ")
    PIT_WITHHELD = "pit_withheld", _("Thuế TNCN khấu trừ")
    REFUND = "refund", _("Hoàn tiền cho khách")
    REVERSAL = "reversal", _("Điều chỉnh ngược")
    PAYOUT = "payout", _("Chi trả")
    ADJUSTMENT = "adjustment", _("Điều chỉnh")


class LedgerEntry(models.Model):
    """One movement of a producer's money. Positive: owed to the producer; negative: taken from it. Rows are
    never updated or deleted (a database trigger refuses it); a correction is a new reversal row."""

    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=LedgerKind.choices)
    amount = models.BigIntegerField()
    part = models.ForeignKey(
        "orders.OrderPart", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    line = models.ForeignKey(
        "orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    refund = models.ForeignKey(
        "money.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    payout = models.ForeignKey(
        "money.PayoutItem", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    # A reversal names the entry it (partly) undoes.
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    # The rate applied (basis points: 1000 = 10 %), kept so a reversal uses the same one.
    rate_bp = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    actor_name = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["producer_id", "id"]
        indexes = [models.Index(fields=["producer", "kind"], name="money_ledger_producer_kind")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LedgerKind.values), name="money_ledger_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=LedgerKind.ADJUSTMENT) | ~Q(reason=""),
                name="money_ledger_adjustment_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind=LedgerKind.PAYOUT) | Q(payout__isnull=False, amount__lte=0),
                name="money_ledger_payout_has_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer_id} {self.kind} {self.amount}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)


class CommissionRate(models.Model):
    """The platform's commission for a producer, a category or both, valid on [valid_from, valid_until].
    The most specific rate in force on the day the order was paid applies; otherwise the setting."""

    producer = models.ForeignKey(
        "producers.Producer", null=True, blank=True, on_delete=models.CASCADE, related_name="commission_rates"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="commission_rates"
    )
    rate_bp = models.PositiveIntegerField(help_text="Basis points: 1000 = 10 %.")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(rate_bp__lte=10_000), name="money_commission_rate_max"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="money_commission_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(producer__isnull=False) | Q(category__isnull=False),
                name="money_commission_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer_id}/{self.category_id} {self.rate_bp}bp from {self.valid_from}"


class RefundMethod(models.TextChoices):
    CARD = "card", _("Hoàn qua thẻ (Stripe)")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản ngân hàng")


class Refund(models.Model):
    """Money given back to a shopper for (some units of) one line. Card refunds carry Stripe's refund id;
    the idempotency key makes a retried request one refund."""

    part = models.ForeignKey("orders.OrderPart", on_delete=models.PROTECT, related_name="refunds")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="refunds")
    quantity = models.PositiveIntegerField()
    amount = models.BigIntegerField()
    method = models.CharField(max_length=20, choices=RefundMethod.choices)
    idempotency_key = models.CharField(max_length=80, unique=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    bank_reference = models.CharField(max_length=100, blank=True)
    restocked = models.BooleanField(default=False)
    reason = models.CharField(max_length=500)
    actor_name = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="money_refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(method__in=RefundMethod.values), name="money_refund_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} of line {self.line_id}"


class BankAccount(models.Model):
    """Where a producer's payouts go. A change is pending until confirmed (see services), and audited."""

    producer = models.OneToOneField(
        "producers.Producer", on_delete=models.CASCADE, related_name="bank_account"
    )
    bank_bin = models.CharField(_("bank BIN"), max_length=6)
    account_number = models.CharField(_("account number"), max_length=19)
    account_name = models.CharField(_("account holder"), max_length=120)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.bank_bin} {self.account_number}"


class PayoutStatus(models.TextChoices):
    CREATED = "created", _("Đã tạo")
    SENT = "sent", _("Đã chuyển")


class PayoutBatch(models.Model):
    status = models.CharField(max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.CREATED)
    threshold = models.BigIntegerField()
    actor_name = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"payout batch {self.pk}"


class PayoutItem(models.Model):
    """One producer's transfer in a batch, with the bank account copied at creation."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="items")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="payouts")
    amount = models.BigIntegerField()
    bank_bin = models.CharField(max_length=6)
    account_number = models.CharField(max_length=19)
    account_name = models.CharField(max_length=120)

    class Meta:
        ordering = ["batch_id", "producer_id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="money_payout_amount_positive"),
            models.UniqueConstraint(fields=["batch", "producer"], name="money_payout_one_per_producer"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.producer_id} {self.amount}"


class NotificationStatus(models.TextChoices):
    MATCHED = "matched", _("Đã khớp")
    UNDERPAID = "underpaid", _("Thiếu tiền")
    OVERPAID = "overpaid", _("Thừa tiền")
    UNKNOWN = "unknown", _("Không rõ đơn")
    ALREADY_PAID = "already_paid", _("Đơn đã thanh toán")
    RESOLVED = "resolved", _("Đã xử lý")


class NotificationOutcome(models.TextChoices):
    MARK_PAID = "mark_paid", _("Khớp với đơn và xác nhận đã thanh toán")
    REFUNDED = "refunded", _("Đã chuyển trả lại người gửi")
    IGNORED = "ignored", _("Bỏ qua (không cần xử lý)")


# The statuses waiting in the staff queue.
QUEUED_NOTIFICATION_STATUSES = ("underpaid", "overpaid", "unknown", "already_paid")


class BankNotification(models.Model):
    """An incoming transfer reported by the bank-notification service, once per provider id."""

    provider_id = models.CharField(max_length=64, unique=True)
    gateway = models.CharField(max_length=40, blank=True)
    account_number = models.CharField(max_length=30, blank=True)
    amount = models.BigIntegerField()
    content = models.CharField(max_length=500, blank=True)
    reference_code = models.CharField(max_length=64, blank=True)
    transaction_date = models.CharField(max_length=40, blank=True)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="bank_notifications"
    )
    status = models.CharField(max_length=20, choices=NotificationStatus.choices)
    # Staff resolution of a queued transfer: what was done, why (required), who and when; set once.
    outcome = models.CharField(max_length=20, choices=NotificationOutcome.choices, blank=True)
    resolution = models.CharField(max_length=500, blank=True)
    resolved_by = models.CharField(max_length=254, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.amount} {self.status}"


class CodRemittance(models.Model):
    """The carrier paid the platform the cash it collected for an order (one row per order)."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="cod_remittance")
    amount = models.BigIntegerField()
    remitted_on = models.DateField()
    actor_name = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"COD {self.order_id} {self.amount}"


class BankAccountChange(models.Model):
    """Audit of every payout-account change: who, when, from what to what (append-only)."""

    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="bank_changes")
    old_account = models.CharField(max_length=160, blank=True)
    new_account = models.CharField(max_length=160)
    actor_name = models.CharField(max_length=254)
    confirmed_by = models.CharField(max_length=20, help_text="password, or system")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.producer_id}: {self.old_account} → {self.new_account}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Bank account changes are append-only.")
        super().save(*args, **kwargs)


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ người bán xử lý")
    ACCEPTED = "accepted", _("Người bán đồng ý, chờ hoàn tiền")
    REFUSED = "refused", _("Người bán từ chối")
    ESCALATED = "escalated", _("Chờ Chợ OCOP quyết định")
    REJECTED = "rejected", _("Chợ OCOP từ chối")
    REFUNDED = "refunded", _("Đã hoàn tiền")


# A part with one of these is not payable: the money may still go back to the shopper.
OPEN_RETURN_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.ACCEPTED, ReturnStatus.ESCALATED)


class ReturnRequest(models.Model):
    """A shopper's request to return units of one line, within the return window after delivery."""

    part = models.ForeignKey("orders.OrderPart", on_delete=models.PROTECT, related_name="returns")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="returns")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    decision_reason = models.CharField(max_length=500, blank=True)
    restock = models.BooleanField(default=False)
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="money_return_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="money_return_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"return {self.pk} of line {self.line_id}"


class ReturnPhoto(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="returns/")

    def __str__(self) -> str:
        return self.image.name


class OrderRefundStatus(models.TextChoices):
    DUE = "due", _("Chờ hoàn tiền")
    SENT = "sent", _("Đã hoàn tiền")


class OrderRefund(models.Model):
    """Money owed back to the shopper because paid parts were cancelled. A card refund goes through Stripe
    automatically after the cancel commits (the idempotency key makes a retried task one refund); a bank
    transfer refund is made by staff and recorded here with its bank reference. The ledger was already
    reversed by the cancel."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="cancel_refunds")
    amount = models.BigIntegerField()
    method = models.CharField(max_length=20, choices=RefundMethod.choices)
    status = models.CharField(max_length=20, choices=OrderRefundStatus.choices, default=OrderRefundStatus.DUE)
    idempotency_key = models.CharField(max_length=80, unique=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    bank_reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    actor_name = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="money_order_refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="due") | Q(sent_at__isnull=False), name="money_order_refund_sent_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} of order {self.order_id} ({self.status})"
