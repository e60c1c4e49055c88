import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core import provinces
from marketplace.payments.models import PaymentMethod

PROVINCE_CODES = [code for code, _name in provinces.CHOICES]


class DeliveryMethod(models.TextChoices):
    """How the parcels travel. One method for now: each producer ships its own part at the flat rate."""

    STANDARD = "standard", _("Giao hàng tiêu chuẩn")


class Checkout(models.Model):
    """A cart on its way to becoming an order. Reached by its token alone (the session cart keeps the
    token; the GraphQL API passes it), so it works for guests, signed-in shoppers and API clients."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="checkouts"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    full_name = models.CharField(_("recipient"), max_length=120, blank=True)
    province = models.CharField(_("province"), max_length=40, choices=provinces.CHOICES, blank=True)
    commune = models.CharField(_("commune / ward"), max_length=120, blank=True)
    street = models.CharField(_("street address"), max_length=255, blank=True)
    note = models.CharField(_("delivery note"), max_length=500, blank=True)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.COD)
    # Empty until the shopper chooses: the totals leave shipping out until then (as Saleor's do).
    delivery_method = models.CharField(max_length=20, choices=DeliveryMethod.choices, blank=True)
    billing_full_name = models.CharField(_("billing name"), max_length=120, blank=True)
    billing_phone = models.CharField(_("billing phone"), max_length=20, blank=True)
    billing_province = models.CharField(
        _("billing province"), max_length=40, choices=provinces.CHOICES, blank=True
    )
    billing_commune = models.CharField(_("billing commune / ward"), max_length=120, blank=True)
    billing_street = models.CharField(_("billing street address"), max_length=255, blank=True)
    # The promo code entered (Saleor's voucherCode); checked again on every read and at completion.
    voucher_code = models.CharField(_("promo code"), max_length=40, blank=True)
    # Public key/value notes a storefront keeps on the checkout (Saleor's metadata, e.g. a guest's marketing
    # consent): strings only, at most METADATA_MAX_KEYS keys (services.checkout_metadata_update bounds them).
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province="") | Q(province__in=PROVINCE_CODES), name="checkout_province_valid"
            ),
            models.CheckConstraint(
                condition=Q(billing_province="") | Q(billing_province__in=PROVINCE_CODES),
                name="checkout_billing_province_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.token)


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="checkout_line_one_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="checkout_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"
