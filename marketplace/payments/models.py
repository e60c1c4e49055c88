from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Thanh toán khi nhận hàng (COD)")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản ngân hàng (VietQR)")
    CARD = "card", _("Thẻ ngân hàng / thẻ quốc tế (Stripe)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    SUCCEEDED = "succeeded", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán thất bại")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class Payment(models.Model):
    """One attempt to collect an order's total. Card payments carry their Stripe PaymentIntent."""

    # Null while a card payment started on a checkout (Saleor's transactionInitialize) waits for
    # checkoutComplete, which gives it the order made from that checkout.
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="payments"
    )
    checkout_token = models.UUIDField(null=True, blank=True, db_index=True)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.BigIntegerField()  # whole dong
    currency = models.CharField(max_length=3, default="VND")
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_client_secret = models.CharField(max_length=255, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_payment_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="payments_payment_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(checkout_token__isnull=False),
                name="payments_payment_has_order_or_checkout",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} {self.status}"


class StripeWebhookEvent(models.Model):
    """Every Stripe event we processed, by id: a redelivered event finds its row and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id
