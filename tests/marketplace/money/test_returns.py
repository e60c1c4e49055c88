"""Returns: the buyer asks within the window, the producer accepts or refuses, staff decide escalations,
the refund reverses the ledger; the part is not payable while a return is open."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.catalog.models import Stock
from marketplace.money.models import LedgerEntry, LedgerKind, RefundMethod, ReturnPhoto, ReturnStatus
from marketplace.money.selectors import balances_by_producer
from marketplace.money.services import (
    return_request_create,
    return_request_decide,
    return_request_escalate,
    return_request_refund,
)
from marketplace.orders.models import OrderEvent, OrderLine, OrderPart
from marketplace.producers.models import ProducerKind
from tests.factories import MembershipFactory, UserFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("vo-nap.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def bought(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    member = MembershipFactory(producer__kind=ProducerKind.HOUSEHOLD)
    buyer = UserFactory()
    variant = buyable_variant(producer=member.producer, price=200_000, quantity=10)
    order = place_order((variant, 3), user=buyer, payment_method="bank_transfer")
    pay_by_transfer(order)
    deliver(order, days_ago=2)
    line = OrderLine.objects.get(part__order=order)
    return member, buyer, order, line, variant


def _age(order, days: int) -> None:
    OrderPart.objects.filter(order=order).update(delivered_at=timezone.now() - datetime.timedelta(days=days))


def test_refused_escalated_accepted_by_staff_and_refunded(bought):
    member, buyer, order, line, variant = bought
    request = return_request_create(line=line, quantity=1, reason="Hũ vỡ nắp", photos=[_photo()], by=buyer)
    assert request.status == ReturnStatus.REQUESTED
    assert ReturnPhoto.objects.filter(request=request).count() == 1
    # An open return holds the money even after the window.
    _age(order, 10)
    producer_id = member.producer.pk
    assert balances_by_producer(producer_ids=[producer_id])[producer_id].payable == 0

    with pytest.raises(ValidationError):
        return_request_decide(request=request, accept=False, reason="", restock=False, by=member.user)
    request = return_request_decide(
        request=request, accept=False, reason="Ảnh không cho thấy lỗi", restock=False, by=member.user
    )
    assert request.status == ReturnStatus.REFUSED
    request = return_request_escalate(request=request, reason="Nắp vỡ khi nhận", by=buyer)
    with pytest.raises(PermissionDenied):  # the producer no longer decides
        return_request_decide(request=request, accept=True, reason="", restock=True, by=member.user)
    staff = staff_with("money.add_refund")
    request = return_request_decide(request=request, accept=True, reason="Chấp nhận", restock=True, by=staff)
    assert request.status == ReturnStatus.ACCEPTED

    entries_before = LedgerEntry.objects.filter(producer=member.producer).count()
    request = return_request_refund(
        request=request,
        amount=200_000,
        method=RefundMethod.BANK_TRANSFER,
        bank_reference="FT26070212345",
        idempotency_key=str(uuid.uuid4()),
        by=staff,
    )
    assert request.status == ReturnStatus.REFUNDED
    new = list(
        LedgerEntry.objects.filter(producer=member.producer)
        .order_by("pk")[entries_before:]
        .values_list("kind", "amount")
    )
    assert new == [
        (LedgerKind.REFUND, -200_000),
        (LedgerKind.REVERSAL, 20_000),
        (LedgerKind.REVERSAL, 2_000),
        (LedgerKind.REVERSAL, 1_000),
    ]
    assert Stock.objects.get(variant=variant).quantity == 8  # 10 - 3 + 1
    # 600.000 + 0 shipping - 60.000 - 6.000 - 3.000, less the refund net of 177.000
    balances = balances_by_producer(producer_ids=[producer_id])[producer_id]
    assert (balances.balance, balances.payable) == (354_000, 354_000)
    assert list(OrderEvent.objects.filter(order=order).order_by("pk").values_list("kind", "amount")) == [
        ("return_requested", 0),
        ("return_refused", 0),
        ("return_escalated", 0),
        ("return_accepted", 0),
        ("refunded", 200_000),
    ]


def test_only_the_buyer_within_the_window_and_never_more_than_bought(bought):
    member, buyer, order, line, _variant = bought
    with pytest.raises(PermissionDenied):
        return_request_create(line=line, quantity=1, reason="x", photos=[], by=UserFactory())
    with pytest.raises(PermissionDenied):
        return_request_create(line=line, quantity=1, reason="x", photos=[], by=member.user)
    with pytest.raises(ValidationError):
        return_request_create(line=line, quantity=4, reason="x", photos=[], by=buyer)
    bad = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationError):
        return_request_create(line=line, quantity=1, reason="x", photos=[bad], by=buyer)
    _age(order, 8)
    with pytest.raises(ValidationError):
        return_request_create(line=line, quantity=1, reason="x", photos=[], by=buyer)
    assert not OrderEvent.objects.filter(order=order).exists()


def test_refund_needs_an_accepted_request_and_the_permission(bought):
    member, buyer, _order, line, _variant = bought
    request = return_request_create(line=line, quantity=1, reason="Sai vị", photos=[], by=buyer)
    with pytest.raises(ValidationError):
        return_request_refund(
            request=request,
            amount=1,
            method=RefundMethod.BANK_TRANSFER,
            bank_reference="FT",
            idempotency_key="k1",
            by=staff_with("money.add_refund"),
        )
    return_request_decide(request=request, accept=True, reason="", restock=False, by=member.user)
    with pytest.raises(PermissionDenied):
        return_request_refund(
            request=request,
            amount=1,
            method=RefundMethod.BANK_TRANSFER,
            bank_reference="FT",
            idempotency_key="k2",
            by=member.user,
        )
    assert not LedgerEntry.objects.filter(kind=LedgerKind.REFUND).exists()
