"""Vouchers (promo codes). A producer's voucher discounts only that producer's lines and the producer bears
it (its sale amounts shrink); a staff voucher discounts the whole order's goods and the platform bears it
(producers are owed the full price). See docs/money.md."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_MAX_LENGTH = 40


class DiscountValueType(models.TextChoices):
    """Saleor's DiscountValueTypeEnum."""

    PERCENTAGE = "percentage", _("Phần trăm")
    FIXED = "fixed", _("Số tiền cố định (đ)")


class Voucher(models.Model):
    code = models.CharField(_("mã giảm giá"), max_length=CODE_MAX_LENGTH)
    name = models.CharField(_("tên chương trình"), max_length=120, blank=True)
    # Null: created by staff, applies to the whole order and is funded by the platform.
    producer = models.ForeignKey(
        "producers.Producer", null=True, blank=True, on_delete=models.PROTECT, related_name="vouchers"
    )
    value_type = models.CharField(_("loại giảm"), max_length=20, choices=DiscountValueType.choices)
    # Percent (1–100) or whole dong.
    value = models.BigIntegerField(_("mức giảm"))
    min_order_amount = models.BigIntegerField(_("giá trị đơn tối thiểu (đ)"), default=0)
    starts_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(_("tổng số lượt dùng"), null=True, blank=True)
    usage_limit_per_customer = models.PositiveIntegerField(_("số lượt mỗi khách"), null=True, blank=True)
    used = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="discounts_voucher_code_unique_ci"),
            models.CheckConstraint(
                condition=Q(value_type__in=DiscountValueType.values), name="discounts_voucher_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1) & (~Q(value_type=DiscountValueType.PERCENTAGE) | Q(value__lte=100)),
                name="discounts_voucher_value_valid",
            ),
            models.CheckConstraint(condition=Q(min_order_amount__gte=0), name="discounts_voucher_min_order"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(used__lte=F("usage_limit")),
                name="discounts_voucher_within_usage_limit",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="discounts_voucher_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def funded_by_producer(self) -> bool:
        return self.producer_id is not None


class VoucherUsage(models.Model):
    """One order that used a voucher (counted against its limits); written in the order's transaction.
    Released (kept, with `released_at`, no longer counted) when the whole order is cancelled."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="usages")
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="voucher_usage")
    # The shopper's e-mail, lower-cased: the per-customer limit counts guests too.
    customer_key = models.CharField(max_length=254)
    amount = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The order was cancelled in full: the use went back to the voucher (and to the shopper's limit).
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["voucher_id", "id"]
        indexes = [models.Index(fields=["voucher", "customer_key"], name="discounts_usage_customer")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="discounts_usage_amount_non_negative")
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id} → {self.order_id}"
