"""Shipping rates staff configure in the admin: a fee per weight bracket and a delivery-time range for each
zone (same province, same region, across regions), the platform's free-shipping threshold, and each
producer's own threshold. `shipping.selectors.shipping_quote` is the one place that reads them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    SAME_PROVINCE = "same_province", _("Nội tỉnh")
    SAME_REGION = "same_region", _("Nội miền")
    ACROSS_REGIONS = "across_regions", _("Liên miền")


class ShippingZone(models.Model):
    """One of the three zones: how long a parcel takes, and what each kilogram above the heaviest bracket
    adds."""

    code = models.CharField(_("vùng"), max_length=20, choices=Zone.choices, unique=True)
    days_min = models.PositiveSmallIntegerField(_("số ngày giao ít nhất"))
    days_max = models.PositiveSmallIntegerField(_("số ngày giao nhiều nhất"))
    extra_kg_fee_vnd = models.PositiveIntegerField(
        _("phí mỗi kg vượt mức cao nhất (đồng)"),
        help_text=_("Cộng thêm cho mỗi kg (làm tròn lên) vượt quá mức cân nặng cao nhất của vùng."),
    )

    class Meta:
        verbose_name = _("vùng giao hàng")
        verbose_name_plural = _("vùng giao hàng")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(code__in=Zone.values), name="shipping_zone_code_valid"),
            models.CheckConstraint(
                condition=Q(days_min__gte=1) & Q(days_max__gte=models.F("days_min")) & Q(days_max__lte=60),
                name="shipping_zone_days_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(Zone(self.code).label)


class ShippingRate(models.Model):
    """The fee of a parcel of up to `up_to_grams` in a zone (the lightest bracket that holds it applies)."""

    zone = models.ForeignKey(
        ShippingZone, on_delete=models.CASCADE, related_name="rates", verbose_name=_("vùng")
    )
    up_to_grams = models.PositiveIntegerField(_("cân nặng tối đa (gam)"))
    fee_vnd = models.PositiveIntegerField(_("phí giao hàng (đồng)"))

    class Meta:
        verbose_name = _("mức phí theo cân nặng")
        verbose_name_plural = _("mức phí theo cân nặng")
        ordering = ["zone_id", "up_to_grams"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "up_to_grams"], name="shipping_rate_one_per_bracket"),
            models.CheckConstraint(
                condition=Q(up_to_grams__gte=1) & Q(up_to_grams__lte=100_000),
                name="shipping_rate_weight_valid",
            ),
            models.CheckConstraint(condition=Q(fee_vnd__lte=10_000_000), name="shipping_rate_fee_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.zone}: ≤ {self.up_to_grams} g"


class ShippingSettings(models.Model):
    """The platform's one row of shipping defaults (pk 1, seeded by the migration)."""

    free_over_vnd = models.PositiveBigIntegerField(
        _("miễn phí giao hàng từ (đồng)"),
        help_text=_(
            "Mặc định cho mọi nhà sản xuất chưa tự đặt: phần đơn từ mức này được miễn phí giao hàng."
        ),
    )

    class Meta:
        verbose_name = _("cài đặt giao hàng")
        verbose_name_plural = _("cài đặt giao hàng")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="shipping_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Cài đặt giao hàng"))


class ProducerShipping(models.Model):
    """A producer's own free-shipping threshold (set in the portal); no row: the platform's default."""

    producer = models.OneToOneField(
        "producers.Producer",
        on_delete=models.CASCADE,
        related_name="shipping",
        verbose_name=_("nhà sản xuất"),
    )
    free_over_vnd = models.PositiveBigIntegerField(_("miễn phí giao hàng từ (đồng)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngưỡng miễn phí giao hàng của nhà sản xuất")
        verbose_name_plural = _("ngưỡng miễn phí giao hàng của nhà sản xuất")
        constraints = [
            models.CheckConstraint(
                condition=Q(free_over_vnd__lte=100_000_000), name="shipping_producer_free_over_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.producer_id}: {self.free_over_vnd}"
