"""Reads of reviews. Shown reviews are the ones staff have not hidden, of products shoppers may see."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, QuerySet, Subquery

from marketplace.orders.models import OrderLine, OrderPart, OrderStatus
from marketplace.producers.models import Producer
from marketplace.producers.policies import Actor, is_active_user, producer_ids_of_member
from marketplace.reviews.models import ProducerRating, Review, ReviewPhoto

PRODUCT_PAGE_REVIEWS = 20


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None  # one decimal
    count: int


def one_decimal(value: Decimal | float | str | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shown_reviews() -> QuerySet[Review]:
    return Review.objects.filter(hidden_at__isnull=True)


def product_reviews_queryset(*, product_id: int) -> QuerySet[Review]:
    """Shown reviews of a product, newest first, photos prefetched (two queries a page)."""
    return (
        shown_reviews()
        .filter(product_id=product_id)
        .prefetch_related(Prefetch("photos", queryset=ReviewPhoto.objects.order_by("sort_order", "id")))
        .order_by("-created_at", "-id")
    )


def product_reviews(*, product_id: int, limit: int = PRODUCT_PAGE_REVIEWS) -> list[Review]:
    return list(product_reviews_queryset(product_id=product_id)[:limit])


@dataclass(frozen=True)
class ProducerRatings:
    products: RatingSummary  # shown reviews of the producer's products
    seller: RatingSummary  # buyers' ratings of the seller, one per delivered order part


def producer_ratings(*, producer_id: int) -> ProducerRatings:
    """Both summaries of a producer page in one query."""

    def summary(queryset: QuerySet[Any]) -> dict[str, Subquery]:
        grouped = queryset.filter(producer_id=OuterRef("pk")).order_by().values("producer_id")
        return {
            "avg": Subquery(grouped.annotate(v=Avg("stars")).values("v")),
            "n": Subquery(grouped.annotate(v=Count("id")).values("v")),
        }

    reviews, seller = summary(shown_reviews()), summary(ProducerRating.objects.all())
    row = (
        Producer.objects.filter(pk=producer_id)
        .values("pk")
        .annotate(
            reviews_avg=reviews["avg"], reviews_n=reviews["n"], seller_avg=seller["avg"], seller_n=seller["n"]
        )
        .first()
        or {}
    )
    return ProducerRatings(
        products=RatingSummary(average=one_decimal(row.get("reviews_avg")), count=row.get("reviews_n") or 0),
        seller=RatingSummary(average=one_decimal(row.get("seller_avg")), count=row.get("seller_n") or 0),
    )


class _ProducerPk(TypedDict):
    pk: int


def _not_own_producer(by: Actor) -> QuerySet[Producer, _ProducerPk]:
    return producer_ids_of_member(actor=by).values("pk")


def reviewable_lines(*, by: Actor) -> QuerySet[OrderLine]:
    """Delivered order lines of the signed-in buyer that it may still review (never its own producer's)."""
    if not is_active_user(by):
        return OrderLine.objects.none()
    return (
        OrderLine.objects.filter(
            part__order__user_id=by.pk, part__status=OrderStatus.DELIVERED, variant__isnull=False
        )
        .exclude(part__producer_id__in=_not_own_producer(by))
        .exclude(Exists(Review.objects.filter(line=OuterRef("pk"))))
        .select_related("part__order", "part__producer", "variant__product")
        .order_by("-part__delivered_at", "id")
    )


def reviewable_line(*, by: Actor, line_id: int) -> OrderLine | None:
    return reviewable_lines(by=by).filter(pk=line_id).first()


def ratable_parts(*, by: Actor) -> QuerySet[OrderPart]:
    if not is_active_user(by):
        return OrderPart.objects.none()
    return (
        OrderPart.objects.filter(order__user_id=by.pk, status=OrderStatus.DELIVERED)
        .exclude(producer_id__in=_not_own_producer(by))
        .exclude(Exists(ProducerRating.objects.filter(part=OuterRef("pk"))))
        .select_related("order", "producer")
    )


def reviews_of_producer(*, producer_id: int) -> QuerySet[Review]:
    """The portal's list: every review of the producer's products, hidden ones flagged."""
    return (
        Review.objects.filter(producer_id=producer_id)
        .select_related("product")
        .prefetch_related("photos")
        .order_by("-created_at", "-id")
    )
