"""Reads of orders, scoped: a shopper sees their own orders, a producer only the parts with its lines."""

import datetime
import functools
import operator
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import User
from marketplace.orders.models import OPEN_UNPAID, Order, OrderEvent, OrderLine, OrderPart, phone_key
from marketplace.payments.models import PaymentMethod


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


def order_by_token(*, token: uuid.UUID | str) -> Order | None:
    try:
        parsed = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return order_with_relations(Order.objects.filter(token=parsed)).first()


def order_by_checkout_token(*, token: uuid.UUID | str) -> Order | None:
    """The order a checkout became (a repeated submit of the checkout form finds it)."""
    try:
        parsed = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except (TypeError, ValueError):
        return None
    return Order.objects.filter(checkout_token=parsed).first()


def orders_for_user(*, user: User | AnonymousUser) -> QuerySet[Order]:
    if not isinstance(user, User):  # an anonymous visitor has none
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


def bank_transfer_orders_expired(*, older_than_hours: int) -> list[int]:
    """Bank-transfer orders still unpaid (and not shipped) after the hold: their stock is held for nobody."""
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
    return list(
        Order.objects.filter(OPEN_UNPAID, payment_method=PaymentMethod.BANK_TRANSFER, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def order_events(*, order_id: int, part_id: int | None = None) -> QuerySet[OrderEvent]:
    """An order's history, oldest first; with `part_id`, what concerns that part (and the whole order)."""
    events = OrderEvent.objects.filter(order_id=order_id).select_related("part__producer")
    if part_id is not None:
        events = events.filter(part_id=part_id)
    return events.order_by("created_at", "id")


# How many open unpaid orders one shopper may hold, per key (settings are read at call time).
OPEN_UNPAID_LIMITS = {
    "email": lambda: settings.ORDER_OPEN_UNPAID_LIMIT_PER_EMAIL,
    "phone": lambda: settings.ORDER_OPEN_UNPAID_LIMIT_PER_PHONE,
    "ip": lambda: settings.ORDER_OPEN_UNPAID_LIMIT_PER_IP,
}
_OPEN_UNPAID_LOOKUP = {"email": "email_key", "phone": "phone_key", "ip": "client_ip"}


def open_unpaid_keys(*, email: str, phone: str, client_ip: str | None) -> dict[str, str]:
    """The keys an order is counted under (phone: its last 9 digits, as `phone_key` in SQL); keys whose
    limit is off (0) are left out."""
    keys = {
        "email": (email or "").strip().lower(),
        "phone": "".join(filter(str.isdigit, phone or ""))[-9:],
        "ip": client_ip or "",
    }
    return {field: key for field, key in keys.items() if key and OPEN_UNPAID_LIMITS[field]() > 0}


def open_unpaid_order_counts(*, keys: dict[str, str]) -> dict[str, int]:
    """Open unpaid orders per key, in one query (partial indexes on each key)."""
    if not keys:
        return {}
    matches = {field: Q(**{_OPEN_UNPAID_LOOKUP[field]: key}) for field, key in keys.items()}
    return (
        Order.objects.filter(OPEN_UNPAID)
        .annotate(email_key=Lower("email"), phone_key=phone_key(F("phone")))
        .filter(functools.reduce(operator.or_, matches.values()))
        .aggregate(**{field: Count("pk", filter=match) for field, match in matches.items()})
    )


def open_unpaid_limit_message(*, field: str, count: int) -> str:
    held = {
        "email": _("Email này đang có %(count)d đơn hàng chưa thanh toán."),
        "phone": _("Số điện thoại này đang có %(count)d đơn hàng chưa thanh toán."),
        "ip": _("Đã có %(count)d đơn hàng chưa thanh toán được đặt từ mạng của bạn."),
    }[field] % {"count": count}
    advice = _("Vui lòng thanh toán, chờ nhận hàng hoặc hủy bớt đơn cũ (liên kết trong email) rồi đặt tiếp.")
    return f"{held} {advice}"
