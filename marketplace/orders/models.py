import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower, Right
from django.utils.translation import gettext_lazy as _

from marketplace.core import provinces
from marketplace.payments.models import PaymentMethod


class OrderStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    SHIPPED = "shipped", _("Đang giao")
    DELIVERED = "delivered", _("Đã giao")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class PaymentState(models.TextChoices):
    UNPAID = "unpaid", _("Chưa thanh toán")
    PAID = "paid", _("Đã thanh toán")
    REFUNDED = "refunded", _("Đã hoàn tiền")


# Orders that hold stock and nobody has paid for yet (COD before delivery, transfers and cards not received).
OPEN_UNPAID = Q(
    payment_state=PaymentState.UNPAID, status__in=[OrderStatus.UNCONFIRMED, OrderStatus.CONFIRMED]
)


def phone_key(expression) -> Func:
    """A phone number's last 9 digits: "0912 345 678", "+84912345678" and "84912345678" are one number."""
    return Right(Func(expression, Value(r"\D"), Value(""), Value("g"), function="regexp_replace"), 9)


class Order(models.Model):
    """What a shopper bought. Split into one OrderPart per producer; the order's status follows its parts."""

    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    # The guest's link (/orders/<token>/): unguessable, works without an account.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The checkout this order came from: a repeated submit of the same checkout finds this order.
    checkout_token = models.UUIDField(unique=True, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20)
    full_name = models.CharField(_("recipient"), max_length=120)
    province = models.CharField(_("province"), max_length=40, choices=provinces.CHOICES)
    commune = models.CharField(_("commune / ward"), max_length=120)
    street = models.CharField(_("street address"), max_length=255)
    note = models.CharField(_("delivery note"), max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.UNCONFIRMED)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    payment_state = models.CharField(max_length=20, choices=PaymentState.choices, default=PaymentState.UNPAID)
    currency = models.CharField(max_length=3, default="VND")
    subtotal_amount = models.BigIntegerField(default=0)
    shipping_amount = models.BigIntegerField(default=0)
    # What the voucher took off the goods (total = subtotal + shipping - discount).
    discount_amount = models.BigIntegerField(default=0)
    voucher_code = models.CharField(max_length=40, blank=True)
    discount_name = models.CharField(max_length=120, blank=True)
    total_amount = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Where the order was placed from: open unpaid orders are limited per e-mail, phone and IP.
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The per-shopper limit on open unpaid orders looks these up at every checkout.
            models.Index(Lower("email"), name="orders_open_unpaid_email", condition=OPEN_UNPAID),
            models.Index(phone_key(F("phone")), name="orders_open_unpaid_phone", condition=OPEN_UNPAID),
            models.Index(fields=["client_ip"], name="orders_open_unpaid_ip", condition=OPEN_UNPAID),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="orders_order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(subtotal_amount__gte=0, shipping_amount__gte=0, total_amount__gte=0),
                name="orders_order_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0, discount_amount__lte=F("subtotal_amount")),
                name="orders_order_discount_within_subtotal",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(self.token)

    @property
    def province_name(self) -> str:
        return provinces.name_of(self.province)


class OrderPart(models.Model):
    """The lines of one producer within an order: that producer confirms, ships and delivers them."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="parts")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="order_parts")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.UNCONFIRMED)
    subtotal_amount = models.BigIntegerField(default=0)
    shipping_amount = models.BigIntegerField(default=0)
    # This part's share of the order's voucher discount (the sum of its lines' discount_amount).
    discount_amount = models.BigIntegerField(default=0)
    tracking_code = models.CharField(_("tracking code"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "producer"], name="orders_part_one_per_producer"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="orders_part_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=0, discount_amount__lte=F("subtotal_amount")),
                name="orders_part_discount_within_subtotal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.producer_id}"

    @property
    def total_amount(self) -> int:
        """What the shopper pays for this part."""
        return self.subtotal_amount + self.shipping_amount - self.discount_amount


class OrderLine(models.Model):
    """A bought variant, with name and price copied at the time of purchase."""

    part = models.ForeignKey(OrderPart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=255)
    product_slug = models.CharField(max_length=120, blank=True)
    variant_name = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=64)
    unit_price_amount = models.BigIntegerField()
    quantity = models.PositiveIntegerField()
    # The voucher's discount on this line, and how much of it the producer bears (all of it for the
    # producer's own voucher, none for a staff voucher: the platform bears that).
    discount_amount = models.BigIntegerField(default=0)
    producer_discount_amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["part_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(producer_discount_amount__gte=0)
                & Q(producer_discount_amount__lte=F("discount_amount"))
                & Q(discount_amount__lte=F("unit_price_amount") * F("quantity")),
                name="orders_line_discount_valid",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_amount__gte=0), name="orders_line_price_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"

    @property
    def total_amount(self) -> int:
        """The goods before any discount."""
        return self.unit_price_amount * self.quantity

    @property
    def paid_amount(self) -> int:
        """What the shopper pays for this line."""
        return self.total_amount - self.discount_amount

    @property
    def sale_amount(self) -> int:
        """The producer's sale (ledger SALE row, commission and withheld tax base): the goods less the
        discount the producer funds. The one place this rule lives."""
        return self.total_amount - self.producer_discount_amount


class OrderEventKind(models.TextChoices):
    CANCELLED = "cancelled", _("Đã hủy")
    RELEASED = "released", _("Tự hủy vì chưa thanh toán")
    REFUND_DUE = "refund_due", _("Cần hoàn tiền")
    RETURN_REQUESTED = "return_requested", _("Khách yêu cầu trả hàng")
    RETURN_ACCEPTED = "return_accepted", _("Chấp nhận trả hàng")
    RETURN_REFUSED = "return_refused", _("Từ chối trả hàng")
    RETURN_ESCALATED = "return_escalated", _("Khách khiếu nại lên Chợ OCOP")
    REFUNDED = "refunded", _("Đã hoàn tiền")


class ActorKind(models.TextChoices):
    SHOPPER = "shopper", _("Người mua")
    GUEST = "guest", _("Khách (liên kết đơn hàng)")
    PRODUCER = "producer", _("Chủ thể sản xuất")
    STAFF = "staff", _("Quản trị viên")
    SYSTEM = "system", _("Hệ thống")


class OrderEvent(models.Model):
    """Append-only history of what happened to an order: who (a user or a named system actor), when, why.
    A cancel writes one row per part it cancelled; a cancel of a paid order adds a refund-due row."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    part = models.ForeignKey(
        OrderPart, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=OrderEventKind.choices)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    # The person, when a signed-in user acted; kept as text too so the record survives the account.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=254)
    reason = models.CharField(max_length=500, blank=True)
    amount = models.BigIntegerField(default=0, help_text="Refund due, whole dong (refund_due rows).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrderEventKind.values), name="orders_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(actor_kind__in=ActorKind.values), name="orders_event_actor_kind_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="orders_event_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} by {self.actor_name}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Order events are append-only.")
        super().save(*args, **kwargs)
