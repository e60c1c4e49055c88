import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marketplace.certification.codes import database_certificate_code, new_certificate_code


class IssuerLevel(models.TextChoices):
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")
    CENTRAL = "central", _("Trung ương")


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Công nhận")
    REVOCATION = "revocation", _("Thu hồi")


class Decision(models.Model):
    """An official decision ("Quyết định") that recognises or revokes OCOP ratings."""

    number = models.CharField(_("number"), max_length=64, help_text="e.g. 1234/QĐ-UBND")
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issuer"), max_length=200, help_text="e.g. UBND tỉnh Sơn La")
    level = models.CharField(_("level"), max_length=10, choices=IssuerLevel.choices)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DecisionKind.choices, default=DecisionKind.RECOGNITION
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    source_filename = models.CharField(max_length=255, blank=True)
    source_checksum = models.CharField(_("source file SHA-256"), max_length=64, blank=True, db_index=True)
    # Staff publish the decision's file on its public page; it is then served by a view, never from media.
    source_published = models.BooleanField(_("source file published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "number"]
        permissions = [("publish_decision_source", "Can publish a decision's source file")]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuer", "date"], name="certification_decision_unique"
            ),
            models.CheckConstraint(condition=~Q(number=""), name="certification_decision_number_required"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y}, {self.issuer})"


class CertificationState(models.TextChoices):
    """Stored state. `expiring` is not stored: it is an active certificate with under 90 days left."""

    ACTIVE = "active", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    REVOKED = "revoked", _("Bị thu hồi")
    SUPERSEDED = "superseded", _("Đã thay thế")


class OcopStatus(models.TextChoices):
    """What shoppers and the API see (OcopStatus in the GraphQL contract)."""

    ACTIVE = "ACTIVE", _("Còn hiệu lực")
    EXPIRING = "EXPIRING", _("Sắp hết hạn")
    EXPIRED = "EXPIRED", _("Hết hạn")
    REVOKED = "REVOKED", _("Bị thu hồi")
    SUPERSEDED = "SUPERSEDED", _("Đã thay thế")


class Certification(models.Model):
    """A product's OCOP rating under one decision. Valid from the decision date for 36 months (valid_until
    inclusive). Written only by certification.services (imports, demo data), never by producers."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="certifications")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="certifications")
    # The public code of /v/<code>/ and the QR labels: never changes, never reused.
    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        default=new_certificate_code,
        db_default=database_certificate_code(),
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    state = models.CharField(
        max_length=12, choices=CertificationState.choices, default=CertificationState.ACTIVE
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="revoked_certifications"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        indexes = [
            models.Index(fields=["product", "state", "valid_until"], name="certification_product_state"),
            models.Index(fields=["state", "valid_until"], name="certification_state_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=3, stars__lte=5), name="certification_stars_3_to_5"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="certification_score_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="certification_valid_range"
            ),
            models.UniqueConstraint(
                fields=["product"], condition=Q(state="active"), name="certification_one_active_per_product"
            ),
            models.UniqueConstraint(fields=["product", "decision"], name="certification_once_per_decision"),
            models.CheckConstraint(
                condition=Q(state="revoked", revoked_by__isnull=False) | ~Q(state="revoked"),
                name="certification_revoked_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} – {self.stars}★ ({self.decision.number})"

    def status_on(self, today: datetime.date) -> OcopStatus:
        if self.state == CertificationState.REVOKED:
            return OcopStatus.REVOKED
        if self.state == CertificationState.SUPERSEDED:
            return OcopStatus.SUPERSEDED
        if self.state == CertificationState.EXPIRED or self.valid_until < today:
            return OcopStatus.EXPIRED
        if (self.valid_until - today).days < settings.CERTIFICATE_EXPIRING_DAYS:
            return OcopStatus.EXPIRING
        return OcopStatus.ACTIVE

    @property
    def status(self) -> OcopStatus:
        from django.utils import timezone

        return self.status_on(timezone.localdate())

    @property
    def is_valid_today(self) -> bool:
        return self.status in (OcopStatus.ACTIVE, OcopStatus.EXPIRING)

    def is_valid_on(self, today: datetime.date) -> bool:
        """Backs a star on `today`: the rule of catalog.selectors.active_certifications, for rows already
        loaded (a test checks that both agree)."""
        return self.status_on(today) in (OcopStatus.ACTIVE, OcopStatus.EXPIRING)


class ExpiryReminder(models.Model):
    """The e-mail telling a producer that a certificate ends in 30 days: at most one per certificate."""

    certification = models.OneToOneField(
        Certification, on_delete=models.CASCADE, related_name="expiry_reminder"
    )
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reminder for {self.certification_id} at {self.sent_at:%Y-%m-%d}"
