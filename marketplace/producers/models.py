from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core import provinces


class ProducerKind(models.TextChoices):
    COMPANY = "company", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ kinh doanh")


class IdentityDocument(models.TextChoices):
    """What staff checked a seller's identity against (Law 122/2025/QH15: verified before it trades)."""

    BUSINESS_REGISTRATION = "business_registration", _("Giấy chứng nhận đăng ký doanh nghiệp / HTX")
    TAX_CODE = "tax_code", _("Mã số thuế")
    CITIZEN_ID = "citizen_id", _("Căn cước công dân của chủ hộ")


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
    # Identity verified by staff (producers.services.producer_verify); only then may products be published.
    verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    verified_document = models.CharField(
        _("verified against"), max_length=30, choices=IdentityDocument.choices, blank=True
    )
    verified_code = models.CharField(_("verified registration code"), max_length=32, blank=True)
    # A suspended seller's products leave every list at once (catalog.selectors.products_visible_to_shoppers).
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("suspension reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("verify_producer", "Can verify a seller's identity"),
            ("suspend_producer", "Can suspend and reinstate a seller"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True)
                | (~models.Q(verified_document="") & ~models.Q(verified_code="")),
                name="producers_producer_verified_has_document",
            ),
            models.CheckConstraint(
                condition=models.Q(suspended_at__isnull=True) | ~models.Q(suspension_reason=""),
                name="producers_producer_suspension_has_reason",
            ),
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

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


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


class SellerEventKind(models.TextChoices):
    VERIFIED = "verified", _("Đã xác minh danh tính")
    VERIFICATION_REVOKED = "verification_revoked", _("Huỷ xác minh")
    SUSPENDED = "suspended", _("Tạm ngừng bán")
    REINSTATED = "reinstated", _("Cho bán lại")


class SellerEvent(models.Model):
    """Append-only audit trail of staff decisions about a seller: verification and suspension."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="seller_events")
    kind = models.CharField(max_length=30, choices=SellerEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=120)  # the user's e-mail or "system:<name>", kept as written
    document = models.CharField(max_length=30, blank=True)
    code = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SellerEventKind.values), name="producers_sellerevent_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer_id} {self.kind} {self.created_at:%Y-%m-%d}"
