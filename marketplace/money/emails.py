"""E-mails about returns and payouts, sent by tasks after the change committed (they take ids)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from marketplace.money.models import PayoutBatch, PayoutStatus, ReturnRequest
from marketplace.orders.emails import order_url
from marketplace.producers.selectors import producer_mail_recipients

# Who hears about each step of a return: the buyer of its outcome, the producer of what it must decide.
BUYER_EVENTS = {
    "accepted": "Chợ OCOP: yêu cầu trả hàng của đơn {number} được chấp nhận",
    "refused": "Chợ OCOP: yêu cầu trả hàng của đơn {number} bị từ chối",
    "refunded": "Chợ OCOP: đã hoàn tiền cho đơn {number}",
}
PRODUCER_EVENTS = {
    "requested": "Chợ OCOP: khách yêu cầu trả hàng đơn {number}",
    "escalated": "Chợ OCOP: khách khiếu nại việc từ chối trả hàng đơn {number}",
}
RETURN_EVENTS = (*BUYER_EVENTS, *PRODUCER_EVENTS)


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def return_email_send(*, request_id: int, event: str) -> int:
    """One message about a return request's step. Returns how many went out."""
    request = (
        ReturnRequest.objects.filter(pk=request_id)
        .select_related("part__order", "part__producer", "line", "refund")
        .first()
    )
    if request is None or event not in RETURN_EVENTS:
        return 0
    order, producer = request.part.order, request.part.producer
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "request": request,
            "order": order,
            "producer": producer,
            "event": event,
            "order_url": order_url(order),
            "seller_url": f"{_site()}/seller/{producer.slug}/orders/{request.part_id}/",
        }
        if event in BUYER_EVENTS:
            recipients = [order.email] if order.email else []
            subject = BUYER_EVENTS[event].format(number=order.number)
            body = render_to_string("money/email/return_buyer.txt", context)
        else:
            recipients = producer_mail_recipients(producer=producer)
            subject = PRODUCER_EVENTS[event].format(number=order.number)
            body = render_to_string("money/email/return_producer.txt", context)
        if not recipients:
            return 0
        return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()


def payout_sent_emails_send(*, batch_id: int) -> int:
    """Each producer paid in a batch marked sent hears the amount and the account it went to."""
    batch = PayoutBatch.objects.filter(pk=batch_id, status=PayoutStatus.SENT).first()
    if batch is None:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for item in batch.items.select_related("producer").order_by("producer_id"):
            recipients = producer_mail_recipients(producer=item.producer)
            if not recipients:
                continue
            body = render_to_string(
                "money/email/payout_sent.txt",
                {"item": item, "batch": batch, "money_url": f"{_site()}/seller/{item.producer.slug}/money/"},
            )
            subject = f"Chợ OCOP: đã chuyển tiền đợt chi trả {batch.pk}"
            sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return sent
