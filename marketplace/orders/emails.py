"""The two emails an order sends: a confirmation to the shopper, a "new order" to each producer in it."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from marketplace.orders.models import Order
from marketplace.orders.selectors import order_with_relations
from marketplace.payments.models import PaymentMethod
from marketplace.payments.vietqr import order_reference
from marketplace.producers.selectors import producer_email_recipients


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
            }
        body = render_to_string("orders/email/confirmation.txt", context)
        subject = f"Chợ OCOP: xác nhận đơn hàng {order.number}"
        if shopper:
            sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email]).send()
        for part in order.parts.all() if producers else ():
            recipients = producer_email_recipients(part.producer)
            if not recipients:
                continue
            body = render_to_string(
                "orders/email/producer_new_order.txt",
                {"order": order, "part": part, "seller_url": f"{settings.SITE_URL.rstrip('/')}/seller/"},
            )
            subject = f"Chợ OCOP: đơn hàng mới {order.number}"
            sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return sent
