from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core import provinces


class ProducerKind(models.TextChoices):
    COMPANY = "company", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ kinh doanh")


class Producer(models.Model):
    """An OCOP "chủ thể": the legal seller of its products."""

    name = models.CharField(_("legal name"), max_length=255)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProducerKind.choices)
    registration_code = models.CharField(_("tax or registration code"), max_length=32, blank=True)
    # The address exactly as written (possibly pre-2025 "xã, huyện, tỉnh"); never rewritten.
    address = models.CharField(_("address as written"), max_length=500, blank=True)
    commune = models.CharField(_("commune / ward"), max_length=120, blank=True)
    # Current province (one of the 34 since 1/7/2025) used for filtering, plus the province as written.
    province = models.CharField(_("province"), max_length=40, choices=provinces.CHOICES, db_index=True)
    province_as_written = models.CharField(_("province as written"), max_length=80, blank=True)
    description = models.TextField(_("story"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="producers/logos/", blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ProducerKind.values), name="producers_producer_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(province__in=[code for code, _ in provinces.CHOICES]),
                name="producers_producer_province_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province_name(self) -> str:
        return provinces.name_of(self.province)


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class ProducerMembership(models.Model):
    """A user who may act for a producer in the portal and API."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_memberships"
    )
    role = models.CharField(max_length=10, choices=MembershipRole.choices, default=MembershipRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["producer", "user"], name="producers_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.producer} ({self.role})"


class ProducerPhoto(models.Model):
    """Photos on the producer's profile page; stored only through producers.services (re-encoded)."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="producers/photos/")
    thumbnail = models.ImageField(upload_to="producers/photos/thumbs/", blank=True)
    alt = models.CharField(max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name
