"""The staff screens of producer money: each page or action asks the service, which asks the one policy;
staff without the permission are refused and nothing changes."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.money.models import (
    CodRemittance,
    LedgerEntry,
    LedgerKind,
    PayoutBatch,
    PayoutItem,
    Refund,
    ReturnStatus,
)
from marketplace.money.services import (
    payout_batch_create,
    return_request_create,
    return_request_decide,
    return_request_escalate,
)
from marketplace.orders.models import OrderLine
from marketplace.producers.models import ProducerKind
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer, with_bank_account
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def _payable(producer, *, price: int = 600_000):
    order = place_order((buyable_variant(producer=producer, price=price), 1), payment_method="bank_transfer")
    pay_by_transfer(order)
    deliver(order, days_ago=30)
    return order


def test_payout_batch_create_export_and_mark_sent_need_the_payout_permission(client, settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    settings.MONEY_PAYOUT_THRESHOLD_VND = 100_000
    producer = ProducerFactory(slug="htx-a")
    with_bank_account(producer, number="0011001234567", name="HTX A")
    _payable(producer)
    viewer = staff_with("money.view_payoutbatch")
    client.force_login(viewer)
    client.post("/admin/money/payoutbatch/create/")
    assert not PayoutBatch.objects.exists()

    payer = staff_with("money.add_payoutbatch", "money.view_payoutbatch")
    client.force_login(payer)
    assert client.post("/admin/money/payoutbatch/create/").status_code == 302
    batch = PayoutBatch.objects.get()
    assert list(PayoutItem.objects.values_list("amount", flat=True)) == [540_000]
    action = {"action": "export_csv", "_selected_action": [batch.pk]}
    response = client.post("/admin/money/payoutbatch/", action)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "account_number,bank_bin,account_name,amount,content",
        f"0011001234567,970436,HTX A,540000,OCOP CHI TRA {batch.pk} HTX-A",
    ]

    client.force_login(viewer)
    refused = client.post("/admin/money/payoutbatch/", action, follow=True)
    assert "0011001234567" not in refused.content.decode()
    client.post("/admin/money/payoutbatch/", {"action": "mark_sent", "_selected_action": [batch.pk]})
    assert PayoutBatch.objects.get().status == "created"
    client.force_login(payer)
    client.post("/admin/money/payoutbatch/", {"action": "mark_sent", "_selected_action": [batch.pk]})
    assert PayoutBatch.objects.get().status == "sent"


def test_payouts_go_only_to_confirmed_accounts(settings):
    from marketplace.money.models import BankAccount

    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    confirmed, unconfirmed, without = ProducerFactory(), ProducerFactory(), ProducerFactory()
    with_bank_account(confirmed)
    with_bank_account(unconfirmed)
    BankAccount.objects.filter(producer=unconfirmed).update(confirmed_at=None)
    for producer in (confirmed, unconfirmed, without):
        _payable(producer)
    batch = payout_batch_create(by=staff_with("money.add_payoutbatch"), threshold=1)
    assert list(batch.items.values_list("producer_id", flat=True)) == [confirmed.pk]


def test_payout_threshold_is_the_setting(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    producer = ProducerFactory()
    with_bank_account(producer)
    _payable(producer)  # 540.000 payable
    staff = staff_with("money.add_payoutbatch")
    settings.MONEY_PAYOUT_THRESHOLD_VND = 540_001
    assert payout_batch_create(by=staff) is None
    settings.MONEY_PAYOUT_THRESHOLD_VND = 540_000
    assert payout_batch_create(by=staff).items.get().amount == 540_000


def test_withholding_report_downloads_per_producer_and_total(client):
    honey = ProducerFactory(kind=ProducerKind.HOUSEHOLD, name="Hộ mật ong", registration_code="8012345678")
    ProducerFactory(kind=ProducerKind.COOPERATIVE)
    _payable(honey)  # VAT 6.000, PIT 3.000
    month = timezone.localdate().strftime("%Y-%m")
    url = f"/admin/money/ledgerentry/withholding-report/?month={month}"
    client.force_login(staff_with("money.view_payoutbatch"))
    assert client.get(url).status_code == 403
    client.force_login(staff_with("money.view_ledgerentry"))
    assert client.get("/admin/money/ledgerentry/withholding-report/").status_code == 200  # the month form
    assert client.get("/admin/money/ledgerentry/withholding-report/?month=2026-13").status_code == 200
    response = client.get(url)
    assert response["Content-Disposition"] == f'attachment; filename="thue-khau-tru-{month}.csv"'
    assert response.content.decode().splitlines() == [
        "producer,registration_code,vat_withheld_vnd,pit_withheld_vnd,total_vnd",
        "Hộ mật ong,8012345678,6000,3000,9000",
        "TOTAL,,6000,3000,9000",
    ]


def test_adjustment_needs_the_permission_and_a_reason(client):
    producer = ProducerFactory(slug="ho-b")
    data = {"producer_slug": "ho-b", "amount": "-25000", "reason": "Phí in tem nhãn tháng 7"}
    client.force_login(staff_with("money.view_ledgerentry"))
    assert client.post("/admin/money/ledgerentry/adjust/", data).status_code == 403
    assert not LedgerEntry.objects.exists()
    staff = staff_with("money.add_ledgerentry", "money.view_ledgerentry")
    client.force_login(staff)
    assert client.post("/admin/money/ledgerentry/adjust/", {**data, "reason": ""}).status_code == 400
    assert (
        client.post("/admin/money/ledgerentry/adjust/", {**data, "producer_slug": "nope"}).status_code == 400
    )
    assert client.post("/admin/money/ledgerentry/adjust/", data).status_code == 302
    assert list(LedgerEntry.objects.values_list("producer_id", "kind", "amount", "reason", "actor_name")) == [
        (producer.pk, LedgerKind.ADJUSTMENT, -25_000, "Phí in tem nhãn tháng 7", staff.email)
    ]


def test_cod_remittance_apply_needs_the_permission(client):
    order = place_order((buyable_variant(price=250_000), 1), payment_method="cod")
    deliver(order)
    content = f"order_reference,amount,date\n{order.number},{order.total_amount},2026-07-01\n".encode()

    def upload(apply: bool):
        data = {"file": SimpleUploadedFile("cod.csv", content, content_type="text/csv")}
        return client.post(
            "/admin/money/codremittance/upload/", {**data, **({"apply": "on"} if apply else {})}
        )

    client.force_login(staff_with("money.view_codremittance"))
    assert 'data-outcome="apply"' in upload(False).content.decode()  # the plan changes nothing
    assert "Bạn không có quyền làm việc này." in upload(True).content.decode()
    assert not CodRemittance.objects.exists()
    client.force_login(staff_with("money.add_codremittance", "money.view_codremittance"))
    upload(True)
    assert list(CodRemittance.objects.values_list("order_id", "amount")) == [(order.pk, order.total_amount)]


def test_staff_decide_an_escalation_and_refund_it_from_the_admin(client, settings, mailoutbox):
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    member = MembershipFactory()
    buyer = UserFactory()
    order = place_order(
        (buyable_variant(producer=member.producer, price=100_000), 2),
        user=buyer,
        payment_method="bank_transfer",
    )
    pay_by_transfer(order)
    deliver(order)
    line = OrderLine.objects.get(part__order=order)
    ret = return_request_create(line=line, quantity=1, reason="Vỡ", photos=[], by=buyer)
    ret = return_request_decide(
        request=ret, accept=False, reason="Không thấy vỡ", restock=False, by=member.user
    )
    ret = return_request_escalate(request=ret, reason="Có ảnh", by=buyer)
    url = f"/admin/money/returnrequest/{ret.pk}/process/"
    client.force_login(staff_with("money.view_returnrequest"))
    assert client.post(url, {"decision": "accept", "restock": "on"}).status_code == 403
    assert type(ret).objects.get(pk=ret.pk).status == ReturnStatus.ESCALATED
    client.force_login(staff_with("money.add_refund", "money.view_returnrequest"))
    assert client.post(url, {"decision": "accept", "restock": "on"}).status_code == 302
    assert type(ret).objects.get(pk=ret.pk).status == ReturnStatus.ACCEPTED
    page = client.get(url).content.decode()
    assert 'name="idempotency_key"' in page
    key = f"return-{ret.pk}-{uuid.uuid4()}"
    data = {"amount": "100000", "method": "bank_transfer", "bank_reference": "FT777", "idempotency_key": key}
    assert client.post(url, data).status_code == 302
    assert type(ret).objects.get(pk=ret.pk).status == ReturnStatus.REFUNDED
    assert list(Refund.objects.values_list("amount", "bank_reference")) == [(100_000, "FT777")]
    assert LedgerEntry.objects.filter(kind=LedgerKind.REFUND).get().amount == -100_000
