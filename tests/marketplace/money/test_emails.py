"""Return and payout e-mails go out after the change commits (tasks take ids), in Vietnamese."""

import pytest

from marketplace.money.services import (
    payout_batch_create,
    payout_batch_mark_sent,
    return_request_create,
    return_request_decide,
    return_request_escalate,
)
from marketplace.orders.models import OrderLine
from marketplace.producers.selectors import producer_mail_recipients
from tests.factories import MembershipFactory, UserFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer, with_bank_account
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def test_each_return_step_tells_the_right_party(mailoutbox, django_capture_on_commit_callbacks):
    member = MembershipFactory()
    buyer = UserFactory(email="mua@example.vn")
    order = place_order((buyable_variant(producer=member.producer, price=100_000), 1), user=buyer)
    deliver(order)
    line = OrderLine.objects.get(part__order=order)
    producer = producer_mail_recipients(producer=member.producer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        request = return_request_create(line=line, quantity=1, reason="Nắp hũ bị vỡ", photos=[], by=buyer)
    assert mailoutbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_decide(
            request=request, accept=False, reason="Ảnh không rõ lỗi", restock=False, by=member.user
        )
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_escalate(request=request, reason="Tôi có thêm ảnh", by=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        return_request_decide(
            request=request,
            accept=False,
            reason="Hàng không lỗi",
            restock=False,
            by=staff_with("money.add_refund"),
        )
    number = order.number
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (producer, f"Chợ OCOP: khách yêu cầu trả hàng đơn {number}"),
        ([order.email], f"Chợ OCOP: yêu cầu trả hàng của đơn {number} bị từ chối"),
        (producer, f"Chợ OCOP: khách khiếu nại việc từ chối trả hàng đơn {number}"),
        ([order.email], f"Chợ OCOP: yêu cầu trả hàng của đơn {number} bị từ chối"),
    ]
    assert "Lý do: Nắp hũ bị vỡ" in mailoutbox[0].body
    assert f"/seller/{member.producer.slug}/orders/{line.part_id}/" in mailoutbox[0].body
    assert "Lý do: Ảnh không rõ lỗi" in mailoutbox[1].body and "khiếu nại" in mailoutbox[1].body
    assert "Lý do: Hàng không lỗi" in mailoutbox[3].body and "khiếu nại" not in mailoutbox[3].body


def test_payout_marked_sent_tells_each_paid_producer_once(mailoutbox, django_capture_on_commit_callbacks):
    member = MembershipFactory()
    with_bank_account(member.producer, number="0011001234567", name="HTX A")
    order = place_order(
        (buyable_variant(producer=member.producer, price=600_000), 1), payment_method="bank_transfer"
    )
    pay_by_transfer(order)
    deliver(order, days_ago=30)
    staff = staff_with("money.add_payoutbatch")
    batch = payout_batch_create(by=staff, threshold=1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_mark_sent(batch=batch, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_mark_sent(batch=batch, by=staff)  # already sent: no second e-mail
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            producer_mail_recipients(producer=member.producer),
            f"Chợ OCOP: đã chuyển tiền đợt chi trả {batch.pk}",
        )
    ]
    amount = batch.items.get().amount
    assert f"{amount:,}".replace(",", ".") + " ₫" in mailoutbox[0].body
