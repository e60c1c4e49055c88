from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.storage import private_storage, random_name


class Outcome(models.TextChoices):
    NEW = "new", _("Mới")
    RENEWED = "renewed", _("Công nhận lại")
    UPGRADED = "upgraded", _("Nâng hạng")
    DOWNGRADED = "downgraded", _("Hạ hạng")
    REVOKED = "revoked", _("Thu hồi")
    UNCHANGED = "unchanged", _("Không đổi")
    UNMATCHED = "unmatched", _("Không khớp")
    AMBIGUOUS = "ambiguous", _("Cần xem xét")
    ERROR = "error", _("Lỗi")
    REJECTED = "rejected", _("Đã loại")


class RunStatus(models.TextChoices):
    READING = "reading", _("Đang đọc bản quét")
    PLANNED = "planned", _("Đã lập kế hoạch")
    APPLIED = "applied", _("Đã áp dụng")
    FAILED = "failed", _("Thất bại")
    UNDONE = "undone", _("Đã hoàn tác")


def decision_upload_name(instance, filename: str) -> str:
    """decisions/<uuid><suffix>: only the suffix survives, since it chooses the reader."""
    return random_name("decisions", filename)


class ImportRun(models.Model):
    """One decision file (or the files of one decision) brought in: who, when, which file, what happened."""

    decision = models.ForeignKey(
        "certification.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="import_runs"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PLANNED)
    filename = models.CharField(max_length=500)
    checksum = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    # Uploaded through the admin: kept until applied, so the Celery task reads the same bytes. Private
    # storage under a random name; staff download it through the admin (original name in `filename`).
    upload = models.FileField(upload_to=decision_upload_name, storage=private_storage, blank=True)
    # What the uploader typed (number, date, issuer, kind) to reconcile with the title lines.
    given_meta = models.JSONField(default=dict, blank=True)
    decision_meta = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # Pages read so far while a scan is read ({"done": 3, "total": 12}), for the admin's run page.
    progress = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The decision row was created by this run (so undo removes it).
    created_decision = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(decision__isnull=False, applied_at__isnull=False),
                name="catalog_import_applied_has_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ImportRow(models.Model):
    """One row of a decision and what the import did (or would do) with it."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    file = models.CharField(max_length=255, blank=True)
    row_number = models.PositiveIntegerField()
    location = models.CharField(max_length=120, blank=True)
    product_name = models.CharField(max_length=500, blank=True)
    producer_name = models.CharField(max_length=500, blank=True)
    address = models.CharField(max_length=500, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    message = models.TextField(blank=True)
    # Matches: [{"producer_id", "producer", "product_id", "product", "score"}], best first.
    candidates = models.JSONField(default=list, blank=True)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    producer = models.ForeignKey(
        "producers.Producer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_product = models.BooleanField(default=False)
    created_producer = models.BooleanField(default=False)
    certification = models.ForeignKey(
        "certification.Certification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The certificate this row superseded or revoked, and its state before (for undo).
    previous_certification = models.ForeignKey(
        "certification.Certification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_state = models.CharField(max_length=12, blank=True)
    # That certificate's fields before this row changed it (state, ended_at, revoked_by_id, superseded_by_id),
    # so undo puts it back exactly as it was.
    previous_values = models.JSONField(default=dict, blank=True)
    # Rows read from a scan: confidence per field (0–100) and the picture of the row for the review queue.
    # Stored under a random name, served only through the admin.
    scan_confidence = models.JSONField(default=dict, blank=True)
    image = models.FileField(upload_to="import-rows/", storage=private_storage, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["outcome", "resolved_at"], name="catalog_import_row_review")]

    def __str__(self) -> str:
        return f"{self.location}: {self.product_name} → {self.outcome}"


class ReviewItem(ImportRow):
    """The admin's review queue: ambiguous rows of applied imports, not yet resolved."""

    class Meta:
        proxy = True
        verbose_name = _("review item")
        verbose_name_plural = _("review queue")
