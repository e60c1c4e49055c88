"""Order status changes. Each producer moves its own part (unconfirmed → confirmed → shipped → delivered);
the order's status follows the least advanced of its live parts. Rows are locked before any change."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant, Stock
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.models import Order, OrderLine, OrderPart, OrderStatus, PaymentState
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus
from marketplace.producers.policies import (
    Actor,
    ProducerAction,
    is_active_user,
    is_staff_with,
    is_system,
    require_payment_confirmation,
    require_producer_action,
    require_system,
)
from marketplace.search.services import search_products_changed

PIPELINE = [OrderStatus.UNCONFIRMED, OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
PART_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.UNCONFIRMED: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
    OrderStatus.REFUNDED: set(),
}


def _require_producer(by: Actor, producer_id: int) -> None:
    """A producer moves its own part only (staff with orders.change_order any part): the policy decides."""
    require_producer_action(actor=by, action=ProducerAction.FULFIL_ORDERS, producer_id=producer_id)


def _lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


def _lock_part(part_id: int) -> OrderPart:
    return OrderPart.objects.select_for_update().get(pk=part_id)


def _transition(part: OrderPart, target: str) -> None:
    if target not in PART_TRANSITIONS[part.status]:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Không thể chuyển từ “%(from)s” sang “%(to)s”.")
                    % {"from": OrderStatus(part.status).label, "to": OrderStatus(target).label},
                    code=OrderErrorCode.INVALID_TRANSITION.value,
                )
            }
        )
    part.status = target


def _status_refresh(*, order: Order) -> Order:
    """The order follows its parts: cancelled when all are, otherwise the least advanced live part."""
    if order.status == OrderStatus.REFUNDED:
        return order
    statuses = list(order.parts.values_list("status", flat=True))
    live = [status for status in statuses if status != OrderStatus.CANCELLED]
    new_status = min(live, key=PIPELINE.index) if live else OrderStatus.CANCELLED
    if new_status != order.status:
        order.status = new_status
        order.save(update_fields=["status", "updated_at"])
    return order


def _restock(lines) -> None:
    """Put units back (cancellation), locking stock rows in ascending id order."""
    quantities: dict[int, int] = {}
    for line in lines:
        if line.variant_id:
            quantities[line.variant_id] = quantities.get(line.variant_id, 0) + line.quantity
    stocks = list(Stock.objects.select_for_update().filter(variant_id__in=quantities).order_by("pk"))
    for stock in stocks:
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantities[stock.variant_id])
    search_products_changed(
        product_ids=ProductVariant.objects.filter(pk__in=quantities).values_list("product_id", flat=True)
    )


@transaction.atomic
def order_part_confirm(*, part: OrderPart, by: Actor) -> OrderPart:
    _require_producer(by, part.producer_id)
    order = _lock_order(part.order_id)
    part = _lock_part(part.pk)
    _transition(part, OrderStatus.CONFIRMED)
    part.confirmed_at = timezone.now()
    part.save(update_fields=["status", "confirmed_at", "updated_at"])
    _status_refresh(order=order)
    return part


@transaction.atomic
def order_part_mark_shipped(*, part: OrderPart, by: Actor, tracking_code: str = "") -> OrderPart:
    _require_producer(by, part.producer_id)
    order = _lock_order(part.order_id)
    part = _lock_part(part.pk)
    if part.status == OrderStatus.UNCONFIRMED:
        # Shipping implies the producer accepted the order.
        _transition(part, OrderStatus.CONFIRMED)
        part.confirmed_at = timezone.now()
    _transition(part, OrderStatus.SHIPPED)
    part.tracking_code = (tracking_code or "").strip()[:100]
    part.shipped_at = timezone.now()
    part.save(update_fields=["status", "confirmed_at", "tracking_code", "shipped_at", "updated_at"])
    _status_refresh(order=order)
    return part


@transaction.atomic
def order_part_mark_delivered(*, part: OrderPart, by: Actor) -> OrderPart:
    _require_producer(by, part.producer_id)
    order = _lock_order(part.order_id)
    part = _lock_part(part.pk)
    _transition(part, OrderStatus.DELIVERED)
    part.delivered_at = timezone.now()
    part.save(update_fields=["status", "delivered_at", "updated_at"])
    _status_refresh(order=order)
    if (
        order.payment_method == PaymentMethod.COD
        and order.status == OrderStatus.DELIVERED
        and order.payment_state == PaymentState.UNPAID
    ):
        # Cash was collected at the door of the last delivery.
        _set_paid(order)
    return part


@transaction.atomic
def order_part_cancel(*, part: OrderPart, by: Actor) -> OrderPart:
    """The producer cannot fulfil its part (before shipping): its units go back to stock."""
    _require_producer(by, part.producer_id)
    order = _lock_order(part.order_id)
    part = _lock_part(part.pk)
    _transition(part, OrderStatus.CANCELLED)
    part.cancelled_at = timezone.now()
    part.save(update_fields=["status", "cancelled_at", "updated_at"])
    _restock(OrderLine.objects.filter(part=part))
    _status_refresh(order=order)
    return part


def may_cancel_order(*, order: Order, by: Actor) -> bool:
    """Who may cancel: the shopper who placed it, staff with orders.change_order, or a system actor."""
    if is_system(by) or is_staff_with(by, "orders.change_order"):
        return True
    return is_active_user(by) and order.user_id is not None and order.user_id == by.pk


def order_cancellable(*, order: Order) -> bool:
    """When: nothing shipped and nothing paid yet."""
    return order.payment_state == PaymentState.UNPAID and order.status in (
        OrderStatus.UNCONFIRMED,
        OrderStatus.CONFIRMED,
    )


@transaction.atomic
def order_cancel(*, order: Order, by: Actor) -> Order:
    """The shopper (or staff) cancels before anything shipped and before payment: all units back to stock."""
    if not may_cancel_order(order=order, by=by):
        raise PermissionDenied(OrderErrorCode.PERMISSION_DENIED.value)
    order = _lock_order(order.pk)
    parts = list(OrderPart.objects.select_for_update().filter(order=order).order_by("pk"))
    if not order_cancellable(order=order):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Đơn đã thanh toán hoặc đang giao, không thể hủy."),
                    code=OrderErrorCode.INVALID_TRANSITION.value,
                )
            }
        )
    live = [part for part in parts if part.status != OrderStatus.CANCELLED]
    now = timezone.now()
    for part in live:
        _transition(part, OrderStatus.CANCELLED)
        part.cancelled_at = now
    OrderPart.objects.bulk_update(live, ["status", "cancelled_at"])
    _restock(OrderLine.objects.filter(part__in=live))
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(status=PaymentStatus.FAILED)
    return _status_refresh(order=order)


def _set_paid(order: Order) -> None:
    order.payment_state = PaymentState.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["payment_state", "paid_at", "updated_at"])
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(status=PaymentStatus.SUCCEEDED)


def _confirm_unconfirmed_parts(order: Order) -> None:
    OrderPart.objects.filter(order=order, status=OrderStatus.UNCONFIRMED).update(
        status=OrderStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    _status_refresh(order=order)


@transaction.atomic
def order_mark_paid(*, order: Order, by: Actor) -> Order:
    """A bank transfer arrived: paid, and every part of the order is confirmed. Staff with the permission
    or reconciliation only (the policy); a producer never confirms money, not even for its own part."""
    require_payment_confirmation(by)
    return order_payment_received(order=order, by=by)


@transaction.atomic
def order_payment_received(*, order: Order, by: Actor) -> Order:
    """The money is in (a verified Stripe webhook, checkout of a paid order, staff): mark paid once."""
    require_payment_confirmation(by)
    order = _lock_order(order.pk)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Đơn đã hủy hoặc đã hoàn tiền."), code=OrderErrorCode.INVALID_TRANSITION.value
                )
            }
        )
    if order.payment_state == PaymentState.PAID:
        return order
    _set_paid(order)
    _confirm_unconfirmed_parts(order)
    if order.payment_method == PaymentMethod.CARD:
        from marketplace.orders.tasks import order_emails_send_task

        order_id = order.pk
        transaction.on_commit(lambda: order_emails_send_task.delay(order_id, shopper=False))
    return order


@transaction.atomic
def order_mark_refunded(*, order: Order, by: Actor) -> Order:
    """Money went back to the shopper (Stripe charge.refunded, or staff). Final state."""
    require_payment_confirmation(by)
    order = _lock_order(order.pk)
    if order.status == OrderStatus.REFUNDED:
        return order
    order.status = OrderStatus.REFUNDED
    order.payment_state = PaymentState.REFUNDED
    order.save(update_fields=["status", "payment_state", "updated_at"])
    Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED).update(status=PaymentStatus.REFUNDED)
    unshipped = list(
        OrderPart.objects.select_for_update()
        .filter(order=order, status__in=[OrderStatus.UNCONFIRMED, OrderStatus.CONFIRMED])
        .order_by("pk")
    )
    if unshipped:
        _restock(OrderLine.objects.filter(part__in=unshipped))
    OrderPart.objects.filter(order=order).exclude(status=OrderStatus.CANCELLED).update(
        status=OrderStatus.REFUNDED
    )
    return order


@transaction.atomic
def order_release_unpaid(*, order_id: int, by: Actor) -> bool:
    """System path: cancel an order nobody paid for (abandoned card payment) and restock it. Does nothing
    when it was paid or moved on in the meantime."""
    require_system(by)
    order = _lock_order(order_id)
    if order.payment_state != PaymentState.UNPAID or order.status != OrderStatus.UNCONFIRMED:
        return False
    parts = list(OrderPart.objects.select_for_update().filter(order=order).order_by("pk"))
    live = [part for part in parts if part.status == OrderStatus.UNCONFIRMED]
    now = timezone.now()
    for part in live:
        part.status = OrderStatus.CANCELLED
        part.cancelled_at = now
    OrderPart.objects.bulk_update(live, ["status", "cancelled_at"])
    _restock(OrderLine.objects.filter(part__in=live))
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.FAILED, failure_message="abandoned"
    )
    _status_refresh(order=order)
    return True
