"""Writes of reviews. Who may write what is decided here and in producers.policies:
- a review: the signed-in buyer of a delivered order line, once per line, never a member of the line's
  producer (a producer cannot review its own goods, even ones it bought);
- a rating of the producer: the buyer of a delivered order part, once per part, same exclusion;
- a reply: whoever may act for the producer with REPLY_REVIEWS;
- a report: any signed-in shopper, once per review; hiding and restoring: staff with reviews.moderate_review.
Creation and reports are rate-limited per user (counted from the tables themselves)."""

import datetime
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from marketplace.catalog.models import Product
from marketplace.core.images import clean_uploaded_image
from marketplace.orders.models import OrderLine, OrderPart, OrderStatus
from marketplace.producers.policies import (
    Actor,
    ProducerAction,
    is_active_user,
    is_staff_with,
    producer_ids_of_member,
    require_producer_action,
)
from marketplace.reviews.error_codes import ReviewErrorCode
from marketplace.reviews.models import (
    REPLY_TEXT_MAX_CHARS,
    REPORT_REASON_MAX_CHARS,
    REVIEW_TEXT_MAX_CHARS,
    ProducerRating,
    Review,
    ReviewEvent,
    ReviewEventKind,
    ReviewPhoto,
    ReviewReport,
)
from marketplace.search.services import search_products_changed

MODERATE_PERMISSION = "reviews.moderate_review"
MAX_PHOTOS = 5
RATE_WINDOW = datetime.timedelta(hours=1)
# Control and format characters (zero-width, bidi overrides) have no place in a review; newlines stay.
_UNWANTED = {"Cc", "Cf", "Cs", "Co", "Cn"}
_BLANK_LINES = re.compile(r"\n{3,}")


def _clean_plain_text(text: str, *, max_chars: int, field: str, required: bool = False) -> str:
    """Plain text as shown (templates escape it): NFC, no control or invisible characters, bounded."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n"))
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in _UNWANTED)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if required and not text:
        raise ValidationError({field: "Vui lòng nhập nội dung."}, code=ReviewErrorCode.INVALID.value)
    if len(text) > max_chars:
        raise ValidationError(
            {field: f"Tối đa {max_chars} ký tự (đang có {len(text)})."}, code=ReviewErrorCode.INVALID.value
        )
    return text


def _clean_stars(stars: Any) -> int:
    try:
        value = int(stars)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"stars": "Chọn từ 1 đến 5 sao."}, code=ReviewErrorCode.INVALID.value)
    return value


def _refuse(message: str, code: ReviewErrorCode) -> PermissionDenied:
    return PermissionDenied(message, code.value)


def _require_buyer_of(*, by: Actor, part: OrderPart) -> None:
    """The signed-in buyer of a delivered part who does not act for its producer."""
    if not is_active_user(by):
        raise _refuse("Vui lòng đăng nhập để đánh giá.", ReviewErrorCode.NOT_BUYER)
    if part.order.user_id is None or part.order.user_id != by.pk:
        raise _refuse("Chỉ người mua đơn hàng này mới có thể đánh giá.", ReviewErrorCode.NOT_BUYER)
    if part.status != OrderStatus.DELIVERED:
        raise _refuse("Chỉ đánh giá được sau khi đã nhận hàng.", ReviewErrorCode.NOT_DELIVERED)
    if producer_ids_of_member(actor=by).filter(pk=part.producer_id).exists():
        raise _refuse("Người bán không thể tự đánh giá sản phẩm của mình.", ReviewErrorCode.OWN_PRODUCT)


def _require_rate(*, count: int, limit: int) -> None:
    if count >= limit:
        raise ValidationError(
            "Bạn đã gửi quá nhiều trong một giờ. Vui lòng thử lại sau.",
            code=ReviewErrorCode.RATE_LIMITED.value,
        )


def _author_name(user) -> str:
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if not first and not last:
        return "Khách hàng"
    return f"{first} {last[:1]}.".strip() if last else first[:60]


def _product_rating_refresh(*, product_id: int) -> None:
    """Recount the product's shown reviews into its summary columns, in one statement."""
    shown = (
        Review.objects.filter(product_id=OuterRef("pk"), hidden_at__isnull=True)
        .order_by()
        .values("product_id")
    )
    count = Subquery(shown.annotate(n=Count("id")).values("n"))
    average = Subquery(
        shown.annotate(avg=Round(Cast(Avg("stars"), DecimalField(max_digits=6, decimal_places=3)), 1)).values(
            "avg"
        ),
        output_field=DecimalField(max_digits=2, decimal_places=1),
    )
    Product.objects.filter(pk=product_id).update(
        rating_count=Coalesce(count, Value(0)), rating_average=average
    )
    search_products_changed(product_ids=[product_id])


@transaction.atomic
def review_create(
    *, line: OrderLine, by: Actor, stars: Any, text: str = "", photos: Sequence[Any] = ()
) -> Review:
    """One review per delivered order line, by its buyer, with up to MAX_PHOTOS validated photos."""
    line = OrderLine.objects.select_related("part__order", "variant").get(pk=line.pk)
    _require_buyer_of(by=by, part=line.part)
    if line.variant is None:
        raise ValidationError("Sản phẩm này không còn được bán.", code=ReviewErrorCode.INVALID.value)
    stars = _clean_stars(stars)
    text = _clean_plain_text(text, max_chars=REVIEW_TEXT_MAX_CHARS, field="text")
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(f"Tối đa {MAX_PHOTOS} ảnh.", code=ReviewErrorCode.TOO_MANY_PHOTOS.value)
    # The line's lock serialises a double submit; the one-to-one constraint is the last word.
    OrderLine.objects.select_for_update().filter(pk=line.pk).first()
    if Review.objects.filter(line=line).exists():
        raise ValidationError("Bạn đã đánh giá sản phẩm này.", code=ReviewErrorCode.ALREADY_REVIEWED.value)
    recent = Review.objects.filter(author_id=by.pk, created_at__gte=timezone.now() - RATE_WINDOW).count()
    _require_rate(count=recent, limit=settings.REVIEWS_PER_HOUR)
    cleaned = [clean_uploaded_image(photo) for photo in photos]  # every photo valid, or none stored
    product_id = line.variant.product_id
    review = Review.objects.create(
        line=line,
        product_id=product_id,
        producer_id=line.part.producer_id,
        author=by,
        author_name=_author_name(by),
        stars=stars,
        text=text,
    )
    for position, clean in enumerate(cleaned):
        photo = ReviewPhoto(review=review, sort_order=position)
        photo.image.save(f"{review.pk}/{clean.content.name}", clean.content, save=False)
        photo.thumbnail.save(f"{review.pk}/{clean.thumbnail.name}", clean.thumbnail, save=False)
        photo.save()
    _product_rating_refresh(product_id=product_id)
    return review


@transaction.atomic
def producer_rating_create(*, part: OrderPart, by: Actor, stars: Any) -> ProducerRating:
    part = OrderPart.objects.select_related("order").select_for_update(of=("self",)).get(pk=part.pk)
    _require_buyer_of(by=by, part=part)
    stars = _clean_stars(stars)
    if ProducerRating.objects.filter(part=part).exists():
        raise ValidationError(
            "Bạn đã đánh giá người bán cho đơn này.", code=ReviewErrorCode.ALREADY_REVIEWED.value
        )
    return ProducerRating.objects.create(part=part, producer_id=part.producer_id, author=by, stars=stars)


@transaction.atomic
def review_reply(*, review: Review, by: Actor, text: str) -> Review:
    """The producer's public answer (replaces an earlier one)."""
    require_producer_action(actor=by, action=ProducerAction.REPLY_REVIEWS, producer_id=review.producer_id)
    text = _clean_plain_text(text, max_chars=REPLY_TEXT_MAX_CHARS, field="reply_text", required=True)
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.reply_text = text
    review.reply_by = by if is_active_user(by) else None
    review.replied_at = timezone.now()
    review.save(update_fields=["reply_text", "reply_by", "replied_at"])
    return review


@transaction.atomic
def review_report(*, review: Review, by: Actor, reason: str) -> ReviewReport:
    if not is_active_user(by):
        raise _refuse("Vui lòng đăng nhập để báo cáo.", ReviewErrorCode.NOT_BUYER)
    reason = _clean_plain_text(reason, max_chars=REPORT_REASON_MAX_CHARS, field="reason", required=True)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.hidden_at is not None:
        raise ValidationError("Đánh giá này đã bị ẩn.", code=ReviewErrorCode.ALREADY_HIDDEN.value)
    if ReviewReport.objects.filter(review=review, reporter_id=by.pk).exists():
        raise ValidationError("Bạn đã báo cáo đánh giá này.", code=ReviewErrorCode.ALREADY_REPORTED.value)
    recent = ReviewReport.objects.filter(
        reporter_id=by.pk, created_at__gte=timezone.now() - RATE_WINDOW
    ).count()
    _require_rate(count=recent, limit=settings.REVIEW_REPORTS_PER_HOUR)
    return ReviewReport.objects.create(review=review, reporter=by, reason=reason)


def _require_moderator(by: Actor) -> None:
    if not is_staff_with(by, MODERATE_PERMISSION):
        raise PermissionDenied("permission_denied")


@transaction.atomic
def review_hide(*, review: Review, by: Actor, reason: str) -> Review:
    """Staff hide a review with a reason: it leaves the pages and the product's rating at once."""
    _require_moderator(by)
    reason = _clean_plain_text(reason, max_chars=REPORT_REASON_MAX_CHARS, field="reason", required=True)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.hidden_at is not None:
        raise ValidationError("Đánh giá đã bị ẩn.", code=ReviewErrorCode.ALREADY_HIDDEN.value)
    review.hidden_at = timezone.now()
    review.hidden_reason = reason
    review.save(update_fields=["hidden_at", "hidden_reason"])
    ReviewEvent.objects.create(review=review, kind=ReviewEventKind.HIDDEN, actor=by, reason=reason)
    ReviewReport.objects.filter(review=review, resolved_at__isnull=True).update(resolved_at=review.hidden_at)
    _product_rating_refresh(product_id=review.product_id)
    return review


@transaction.atomic
def review_restore(*, review: Review, by: Actor, reason: str) -> Review:
    _require_moderator(by)
    reason = _clean_plain_text(reason, max_chars=REPORT_REASON_MAX_CHARS, field="reason", required=True)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.hidden_at is None:
        raise ValidationError("Đánh giá không bị ẩn.", code=ReviewErrorCode.NOT_HIDDEN.value)
    review.hidden_at = None
    review.hidden_reason = ""
    review.save(update_fields=["hidden_at", "hidden_reason"])
    ReviewEvent.objects.create(review=review, kind=ReviewEventKind.RESTORED, actor=by, reason=reason)
    _product_rating_refresh(product_id=review.product_id)
    return review
