"""Reads of orders, scoped: a shopper sees their own orders, a producer only the parts with its lines."""

import uuid

from django.db.models import Prefetch, QuerySet

from marketplace.orders.models import Order, OrderLine, OrderPart


def _parts_prefetch() -> Prefetch:
    return Prefetch(
        "parts",
        queryset=OrderPart.objects.select_related("producer").prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
        ),
    )


def order_with_relations(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Parts (with producer) and their lines in a constant number of queries."""
    return queryset.prefetch_related(_parts_prefetch(), "payments")


def order_by_token(*, token) -> Order | None:
    try:
        parsed = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return order_with_relations(Order.objects.filter(token=parsed)).first()


def order_by_checkout_token(*, token) -> Order | None:
    """The order a checkout became (a repeated submit of the checkout form finds it)."""
    try:
        parsed = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return Order.objects.filter(checkout_token=parsed).first()


def orders_for_user(*, user) -> QuerySet[Order]:
    if not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    return order_with_relations(Order.objects.filter(user=user).order_by("-created_at", "-id"))


def order_parts_for_producer(*, producer_id: int, statuses: list[str] | None = None) -> QuerySet[OrderPart]:
    """The producer's own parts, newest first, with the order (address, payment) and its lines.
    `statuses` narrows it, e.g. [UNCONFIRMED, CONFIRMED] for what is left to ship."""
    parts = OrderPart.objects.filter(producer_id=producer_id)
    if statuses:
        parts = parts.filter(status__in=statuses)
    return (
        parts.select_related("order", "producer")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
        .order_by("-created_at", "-id")
    )


def order_part_for_producer(*, producer_id: int, part_id: int) -> OrderPart | None:
    return order_parts_for_producer(producer_id=producer_id).filter(pk=part_id).first()
