"""Reviews from real buyers (issue 16, Consumer Protection Law 2023 Art. 39): one per delivered order line,
a rating of the producer per delivered order part, the producer's public reply, reports and staff hiding.
Written only through reviews.services, which decides who may write what."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REVIEW_TEXT_MAX_CHARS = 2000
REPLY_TEXT_MAX_CHARS = 2000
REPORT_REASON_MAX_CHARS = 500
STARS = Q(stars__gte=1, stars__lte=5)


class Review(models.Model):
    """A buyer's review of a product it received. Plain text, shown escaped."""

    line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="review")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    # The name shown with the review, copied when written ("Lan N."), never the e-mail.
    author_name = models.CharField(max_length=60)
    stars = models.PositiveSmallIntegerField(_("stars"))
    text = models.TextField(_("review"), max_length=REVIEW_TEXT_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The producer's public reply (one, may be edited).
    reply_text = models.TextField(_("reply"), max_length=REPLY_TEXT_MAX_CHARS, blank=True)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    # Staff hiding (the audit trail is ReviewEvent); a hidden review leaves pages and the ratings.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_review", "Can hide and restore reviews")]
        indexes = [
            models.Index(
                fields=["product", "-created_at"],
                name="reviews_shown_by_product",
                condition=Q(hidden_at=None),
            ),
            models.Index(fields=["author", "created_at"], name="reviews_by_author"),
        ]
        constraints = [
            models.CheckConstraint(condition=STARS, name="reviews_review_stars_range"),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="reviews_review_hidden_reason",
            ),
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | ~Q(reply_text=""), name="reviews_review_reply_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ★{self.stars} by {self.author_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReviewPhoto(models.Model):
    """Stored only after core.images validated and re-encoded the upload."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reviews/")
    thumbnail = models.ImageField(upload_to="reviews/thumbs/")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.image.name


class ProducerRating(models.Model):
    """The buyer's rating of the seller for one delivered order part (service, packing, delivery)."""

    part = models.OneToOneField("orders.OrderPart", on_delete=models.PROTECT, related_name="producer_rating")
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="ratings")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=STARS, name="reviews_producerrating_stars_range")]

    def __str__(self) -> str:
        return f"{self.producer_id} ★{self.stars}"


class ReviewReport(models.Model):
    """A shopper flags a review for staff (once per shopper and review)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=REPORT_REASON_MAX_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reporter", "created_at"], name="reviews_reports_by_reporter")]
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="reviews_report_once_per_reporter"),
        ]

    def __str__(self) -> str:
        return f"report {self.review_id} by {self.reporter_id}"


class ReviewEventKind(models.TextChoices):
    HIDDEN = "hidden", _("Ẩn")
    RESTORED = "restored", _("Hiện lại")


class ReviewEvent(models.Model):
    """Append-only audit trail of staff moderation of a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ReviewEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReviewEventKind.values), name="reviews_reviewevent_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} {self.kind}"
