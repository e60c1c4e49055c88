"""Order status changes. Each producer moves its own part (unconfirmed → confirmed → shipped → delivered);
the order's status follows the least advanced of its live parts. Rows are locked before any change."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant, Stock
from marketplace.discounts.services import voucher_usage_release
from marketplace.orders import policies as order_policies
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.models import (
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderPart,
    OrderStatus,
    PaymentState,
)
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus
from marketplace.producers.policies import (
    SYSTEM_TASK,
    Actor,
    ProducerAction,
    is_active_user,
    is_system,
    require_payment_confirmation,
    require_producer_action,
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
    live = [OrderStatus(status) for status in statuses if status != OrderStatus.CANCELLED]
    new_status = min(live, key=PIPELINE.index) if live else OrderStatus.CANCELLED
    if new_status != order.status:
        order.status = new_status
        order.save(update_fields=["status", "updated_at"])
    return order


def _restock(lines: Iterable[OrderLine]) -> None:
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
        # Cash was collected at the door of the last delivery (the carrier's delivery, a system event: the
        # producer reports it but does not confirm money).
        _set_paid(order, by=SYSTEM_TASK)
    return part


REASON_MAX_LENGTH = 500
OPEN_PART_STATUSES = (OrderStatus.UNCONFIRMED, OrderStatus.CONFIRMED)
GONE_OUT_STATUSES = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Vui lòng nhập lý do hủy."), code=OrderErrorCode.REQUIRED.value)}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Lý do hủy tối đa %(limit)d ký tự.") % {"limit": REASON_MAX_LENGTH},
                    code=OrderErrorCode.INVALID.value,
                )
            }
        )
    return reason


def _refuse(message: str, code: OrderErrorCode) -> ValidationError:
    return ValidationError({"status": ValidationError(message, code=code.value)})


def _may_cancel_paid(by: Actor) -> bool:
    """Money already received goes back by hand: only staff (or a system task) cancel a paid order, and
    the cancel records the refund that is due."""
    return is_system(by) or order_policies.is_order_staff(by)


def _cancel_parts(
    *, order: Order, parts: list[OrderPart], by: Actor, kind: str, reason: str, failure_message: str
) -> list[OrderEvent]:
    """Cancel the locked parts that are still open: stock back, one event per part (plus the refund due on a
    paid order), the order's status refreshed, e-mails after commit."""
    parts = [part for part in parts if part.status in OPEN_PART_STATUSES]
    now = timezone.now()
    for part in parts:
        part.status = OrderStatus.CANCELLED
        part.cancelled_at = now
        part.updated_at = now
    OrderPart.objects.bulk_update(parts, ["status", "cancelled_at", "updated_at"])
    _restock(OrderLine.objects.filter(part__in=parts))
    actor_kind = order_policies.actor_kind(order=order, actor=by)
    person = by if is_active_user(by) else None
    actor = {
        "actor_kind": actor_kind,
        "actor_user": person,
        "actor_name": person.email if person else str(by),
        "reason": reason,
    }
    events = [OrderEvent(order=order, part=part, kind=kind, **actor) for part in parts]
    if order.payment_state == PaymentState.PAID:
        from marketplace.money.services import ledger_order_reverse, order_refund_due

        # The money goes back to the shopper: the producers' ledgers give it back in this transaction, and
        # the refund is recorded (a card order's goes through Stripe after commit).
        ledger_order_reverse(order=order, parts=parts, by=by, reason=reason or kind)
        refund = sum(part.total_amount for part in parts)
        order_refund_due(order=order, amount=refund, by=by, reason=reason or kind)
        events.append(OrderEvent(order=order, kind=OrderEventKind.REFUND_DUE, amount=refund, **actor))
    events = OrderEvent.objects.bulk_create(events)
    _status_refresh(order=order)
    if order.status == OrderStatus.CANCELLED:
        # Nothing of it left (none of it shipped, any money refunded in full): its voucher use is given
        # back, under the voucher's row lock taken after the stock's, as at checkout. A part cancelled
        # while others go on keeps the use.
        voucher_usage_release(order_id=order.pk, by=by)
    if order.payment_state == PaymentState.UNPAID and order.status != OrderStatus.CANCELLED:
        _amount_due_refresh(order)
    if order.status == OrderStatus.CANCELLED:
        Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.FAILED, failure_message=failure_message
        )
    # Producers learn of a card order only once it is paid (order_payment_received): none to tell otherwise.
    notify_producers = not (order.payment_method == PaymentMethod.CARD and order.paid_at is None)
    event_ids = [event.pk for event in events]

    def send() -> None:
        from marketplace.orders.tasks import order_cancelled_emails_send_task

        order_cancelled_emails_send_task.delay(event_ids, producers=notify_producers)

    transaction.on_commit(send)
    return events


def _amount_due_refresh(order: Order) -> None:
    """An unpaid order asks only for its live parts: the VietQR code, the COD collection and the card
    payment (its intent is created from these amounts) follow a partial cancel."""
    live = OrderPart.objects.filter(order=order).exclude(status=OrderStatus.CANCELLED)
    sums = live.aggregate(
        subtotal=Sum("subtotal_amount"), shipping=Sum("shipping_amount"), discount=Sum("discount_amount")
    )
    order.subtotal_amount = sums["subtotal"] or 0
    order.shipping_amount = sums["shipping"] or 0
    order.discount_amount = sums["discount"] or 0
    order.total_amount = order.subtotal_amount + order.shipping_amount - order.discount_amount
    order.save(
        update_fields=["subtotal_amount", "shipping_amount", "discount_amount", "total_amount", "updated_at"]
    )
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(amount=order.total_amount)


def _card_payment_in_flight(order: Order) -> bool:
    """A card payment the shopper has started: Stripe holds its amount, so the order's total must not
    change under it (the order is released or paid within CARD_PAYMENT_TIMEOUT_MINUTES)."""
    return (
        order.payment_method == PaymentMethod.CARD
        and order.payment_state == PaymentState.UNPAID
        and Payment.objects.filter(order=order, status=PaymentStatus.PENDING)
        .filter(stripe_payment_intent_id__gt="")
        .exists()
    )


@transaction.atomic
def order_part_cancel(*, part: OrderPart, by: Actor, reason: str) -> OrderPart:
    """A producer cannot fulfil its own part (or staff cancel one part), before it ships, with a reason:
    its units go back to stock. A paid order's part is cancelled by staff only (a refund becomes due)."""
    require_producer_action(actor=by, action=ProducerAction.FULFIL_ORDERS, producer_id=part.producer_id)
    reason = _clean_reason(reason, required=True)
    order = _lock_order(part.order_id)
    part = _lock_part(part.pk)
    if part.status not in OPEN_PART_STATUSES:
        raise _refuse(
            _("Phần đơn đã gửi đi, đã giao hoặc đã hủy: không thể hủy."),
            OrderErrorCode.INVALID_TRANSITION,
        )
    if order.payment_state != PaymentState.UNPAID and not _may_cancel_paid(by):
        raise _refuse(
            _("Đơn đã thanh toán: chỉ quản trị viên Chợ OCOP có thể hủy và hoàn tiền cho khách."),
            OrderErrorCode.ALREADY_PAID,
        )
    if _card_payment_in_flight(order):
        raise _refuse(
            _("Khách đang thanh toán thẻ cho đơn này: chưa thể hủy một phần; thử lại sau ít phút."),
            OrderErrorCode.INVALID_TRANSITION,
        )
    _cancel_parts(
        order=order,
        parts=[part],
        by=by,
        kind=OrderEventKind.CANCELLED,
        reason=reason,
        failure_message="cancelled",
    )
    return part


def _order_cancel_refusal(*, order: Order, parts: Iterable[OrderPart], by: Actor) -> ValidationError | None:
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        return _refuse(_("Đơn hàng đã được hủy."), OrderErrorCode.INVALID_TRANSITION)
    if any(part.status in GONE_OUT_STATUSES for part in parts):
        return _refuse(
            _("Đơn đã có hàng đang giao hoặc đã giao: không thể hủy."), OrderErrorCode.INVALID_TRANSITION
        )
    if order.payment_state != PaymentState.UNPAID and not _may_cancel_paid(by):
        return _refuse(
            _("Đơn đã thanh toán: vui lòng liên hệ Chợ OCOP để được hủy và hoàn tiền."),
            OrderErrorCode.ALREADY_PAID,
        )
    return None


def order_cancel_allowed(*, order: Order, by: Actor) -> bool:
    """Whether `by` may cancel the order now (to show or hide the button; the service decides again)."""
    if not order_policies.may_cancel_order(order=order, by=by):
        return False
    return _order_cancel_refusal(order=order, parts=order.parts.all(), by=by) is None


@transaction.atomic
def order_cancel(*, order: Order, by: Actor, reason: str = "") -> Order:
    """Cancel a whole order before anything shipped: all units back to stock. The buyer (signed in, or a
    guest through the order's token as a GuestTokenActor) cancels an unpaid order; staff give a reason and
    may cancel a paid one, which records the refund due."""
    if not order_policies.may_cancel_order(order=order, by=by):
        raise PermissionDenied(OrderErrorCode.PERMISSION_DENIED.value)
    staff = _may_cancel_paid(by)
    reason = _clean_reason(reason, required=staff)
    order = _lock_order(order.pk)
    parts = list(OrderPart.objects.select_for_update().filter(order=order).order_by("pk"))
    refusal = _order_cancel_refusal(order=order, parts=parts, by=by)
    if refusal is not None:
        raise refusal
    _cancel_parts(
        order=order,
        parts=parts,
        by=by,
        kind=OrderEventKind.CANCELLED,
        reason=reason,
        failure_message="cancelled",
    )
    return order


def _set_paid(order: Order, *, by: Actor) -> None:
    """Paid, and each producer's ledger is credited in this same transaction."""
    from marketplace.money.services import ledger_order_paid

    order.payment_state = PaymentState.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["payment_state", "paid_at", "updated_at"])
    Payment.objects.filter(order=order, status=PaymentStatus.PENDING).update(status=PaymentStatus.SUCCEEDED)
    ledger_order_paid(order=order, by=by)


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
    _set_paid(order, by=by)
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
    from marketplace.money.services import ledger_order_reverse

    ledger_order_reverse(order=order, parts=None, by=by, reason="refunded")
    return order


@transaction.atomic
def order_release_unpaid(*, order_id: int, by: Actor, reason: str) -> bool:
    """System path: cancel an order nobody paid for in time (an abandoned card payment, a bank transfer
    that never arrived) and restock it. Does nothing when it was paid, shipped or cancelled meanwhile, so a
    repeated run changes nothing."""
    if not _may_cancel_paid(by):
        raise PermissionDenied(OrderErrorCode.PERMISSION_DENIED.value)
    order = _lock_order(order_id)
    if order.payment_state != PaymentState.UNPAID or order.status not in OPEN_PART_STATUSES:
        return False
    parts = list(OrderPart.objects.select_for_update().filter(order=order).order_by("pk"))
    if any(part.status in GONE_OUT_STATUSES for part in parts):
        return False
    _cancel_parts(
        order=order,
        parts=parts,
        by=by,
        kind=OrderEventKind.RELEASED,
        reason=reason,
        failure_message="abandoned",
    )
    return True


def orders_release_expired_transfers(*, by: Actor, older_than_hours: int) -> int:
    """Bank-transfer orders unpaid past the hold give their stock back, each in its own transaction."""
    from marketplace.orders.selectors import bank_transfer_orders_expired

    reason = _("Chưa nhận được chuyển khoản sau %(hours)d giờ.") % {"hours": older_than_hours}
    ids = bank_transfer_orders_expired(older_than_hours=older_than_hours)
    return sum(order_release_unpaid(order_id=order_id, by=by, reason=reason) for order_id in ids)
