"""The two emails an order sends: a confirmation to the shopper, a "new order" to each producer in it."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from marketplace.orders.models import ActorKind, Order, OrderEvent, OrderEventKind, OrderStatus
from marketplace.orders.selectors import order_with_relations
from marketplace.payments.models import PaymentMethod
from marketplace.payments.vietqr import order_reference
from marketplace.producers.selectors import producer_mail_recipients


def order_url(order: Order) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/orders/{order.token}/"


def order_emails_send(*, order_id: int, shopper: bool = True, producers: bool = True) -> int:
    """The shopper's confirmation and/or each producer's notice. Returns how many messages went out."""
    order = order_with_relations(Order.objects.filter(pk=order_id)).first()
    if order is None:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"order": order, "order_url": order_url(order)}
        if order.payment_method == PaymentMethod.BANK_TRANSFER:
            context["bank"] = {
                "bin": settings.VIETQR_BANK_BIN,
                "account": settings.VIETQR_ACCOUNT_NUMBER,
                "name": settings.VIETQR_ACCOUNT_NAME,
                "reference": order_reference(order),
                "hold_hours": settings.BANK_TRANSFER_HOLD_HOURS,
            }
        body = render_to_string("orders/email/confirmation.txt", context)
        subject = f"Chợ OCOP: xác nhận đơn hàng {order.number}"
        if shopper:
            sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email]).send()
        for part in order.parts.all() if producers else ():
            recipients = producer_mail_recipients(producer=part.producer)
            if not recipients:
                continue
            body = render_to_string(
                "orders/email/producer_new_order.txt",
                {"order": order, "part": part, "seller_url": f"{settings.SITE_URL.rstrip('/')}/seller/"},
            )
            subject = f"Chợ OCOP: đơn hàng mới {order.number}"
            sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return sent


def order_cancelled_emails_send(*, event_ids: list[int], producers: bool = True) -> int:
    """After a cancel: the shopper hears which parts were cancelled and why; each producer whose part was
    cancelled by someone else (the shopper, staff, the payment deadline) hears it too."""
    events = list(
        OrderEvent.objects.filter(pk__in=event_ids)
        .select_related("order", "part__producer")
        .prefetch_related("part__lines")
        .order_by("id")
    )
    cancelled = [event for event in events if event.part_id is not None]
    if not cancelled:
        return 0
    order = cancelled[0].order
    refund = sum(event.amount for event in events if event.kind == OrderEventKind.REFUND_DUE)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "order": order,
            "events": cancelled,
            "reason": cancelled[0].reason,
            "actor": cancelled[0].get_actor_kind_display(),
            "refund": refund,
            "whole_order": order.status == OrderStatus.CANCELLED,
            "order_url": order_url(order),
        }
        body = render_to_string("orders/email/cancelled_shopper.txt", context)
        subject = f"Chợ OCOP: đơn hàng {order.number} đã bị hủy"
        sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email]).send()
        for event in cancelled if producers else ():
            if event.actor_kind == ActorKind.PRODUCER or event.part is None:
                continue  # the producer cancelled it itself (every event here has a part)
            recipients = producer_mail_recipients(producer=event.part.producer)
            if not recipients:
                continue
            body = render_to_string(
                "orders/email/cancelled_producer.txt",
                {
                    "order": order,
                    "event": event,
                    "part": event.part,
                    "seller_url": f"{settings.SITE_URL.rstrip('/')}/seller/",
                },
            )
            subject = f"Chợ OCOP: phần đơn {order.number} đã bị hủy"
            sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return sent
