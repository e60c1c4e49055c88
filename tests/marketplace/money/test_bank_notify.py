"""/payments/bank/notify/: signed incoming-transfer notifications matched to bank-transfer orders."""

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.money.models import BankNotification, LedgerEntry, NotificationOutcome, NotificationStatus
from marketplace.money.services import bank_notification_resolve
from marketplace.orders.models import Order, OrderStatus, PaymentState
from tests.factories import UserFactory, staff_with
from tests.factories.money import BANK_SECRET, bank_body, bank_headers
from tests.factories.orders import buyable_variant, place_order

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]
URL = "/payments/bank/notify/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.BANK_NOTIFY_SECRET = BANK_SECRET


def _order():
    return place_order(
        (buyable_variant(price=185_000), 2), payment_method="bank_transfer"
    )  # 370.000 + 30.000


def _post(client, body: bytes, **headers):
    return client.post(URL, body, content_type="application/json", **(headers or bank_headers(body)))


def _state(order) -> tuple[str, str]:
    order = Order.objects.get(pk=order.pk)
    return order.status, order.payment_state


def test_exact_transfer_marks_the_order_paid_once_and_a_replay_changes_nothing(client):
    order = _order()
    assert order.total_amount == 400_000
    body = bank_body(provider_id="92704", amount=400_000, content=f"OCOP {order.number} chuyen tien")
    response = _post(client, body)
    assert response.status_code == 200
    assert response.json() == {"success": True, "status": "matched", "duplicate": False}
    assert _state(order) == (OrderStatus.CONFIRMED, PaymentState.PAID)
    entries = LedgerEntry.objects.count()
    assert entries == 3  # sale, commission, shipping fee

    replay = _post(client, body)
    assert replay.json() == {"success": True, "status": "matched", "duplicate": True}
    assert BankNotification.objects.count() == 1
    assert LedgerEntry.objects.count() == entries


def test_reference_without_spaces_as_banks_send_it_matches(client):
    order = _order()
    body = bank_body(provider_id="1", amount=400_000, content=f"MBVCB.123.OCOP{order.number}.CT tu 0123")
    assert _post(client, body).json()["status"] == "matched"


@pytest.mark.parametrize(
    ("amount", "content", "status"),
    [
        (399_000, "OCOP {number}", NotificationStatus.UNDERPAID),
        (401_000, "OCOP {number}", NotificationStatus.OVERPAID),
        (400_000, "OCOP DH9999999", NotificationStatus.UNKNOWN),
        (400_000, "tien hang", NotificationStatus.UNKNOWN),
    ],
)
def test_anything_but_an_exact_match_waits_for_staff(client, amount, content, status):
    order = _order()
    body = bank_body(provider_id="77", amount=amount, content=content.format(number=order.number))
    response = _post(client, body)
    assert response.status_code == 200
    assert response.json()["status"] == status
    assert _state(order) == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID)
    assert not LedgerEntry.objects.exists()


def test_second_transfer_for_a_paid_order_is_queued_as_already_paid(client):
    order = _order()
    _post(client, bank_body(provider_id="a", amount=400_000, content=f"OCOP {order.number}"))
    second = _post(client, bank_body(provider_id="b", amount=400_000, content=f"OCOP {order.number}"))
    assert second.json()["status"] == NotificationStatus.ALREADY_PAID
    assert LedgerEntry.objects.count() == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"secret": "wrong-secret"},
        {"timestamp": int(time.time()) - 3600},  # replayed an hour later
        {"blank": True},
    ],
)
def test_forged_or_stale_signature_is_refused_and_nothing_changes(client, headers):
    order = _order()
    body = bank_body(provider_id="f1", amount=400_000, content=f"OCOP {order.number}")
    if headers.get("blank"):
        sent = {"HTTP_X_SIGNATURE": "", "HTTP_X_TIMESTAMP": ""}
    else:
        sent = bank_headers(body, **headers)
    response = _post(client, body, **sent)
    assert response.status_code == 401
    assert _state(order) == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID)
    assert not BankNotification.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_body_signed_then_altered_is_refused(client):
    order = _order()
    body = bank_body(provider_id="f2", amount=1_000, content=f"OCOP {order.number}")
    headers = bank_headers(body)
    altered = body.replace(b"1000", b"400000")
    assert _post(client, altered, **headers).status_code == 401
    assert not BankNotification.objects.exists()


def test_oversized_and_malformed_bodies_are_refused(client, settings):
    settings.BANK_NOTIFY_MAX_BODY_BYTES = 200
    big = b'{"id": "x", "content": "' + b"a" * 300 + b'"}'
    assert _post(client, big).status_code == 413
    settings.BANK_NOTIFY_MAX_BODY_BYTES = 16_384
    bad = b'{"id": "x", "transferAmount": "400000"}'
    response = _post(client, bad)
    assert response.status_code == 400
    assert not BankNotification.objects.exists()


def test_rate_limited_per_client(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "bank_notify_ip": (2, 60)}
    body = b"{}"
    assert [_post(client, body).status_code for _ in range(3)] == [
        400,
        400,
        429,
    ]  # signed but empty, then limited


def _queued(client, *, provider_id: str, amount: int, content: str) -> BankNotification:
    _post(client, bank_body(provider_id=provider_id, amount=amount, content=content))
    return BankNotification.objects.get(provider_id=provider_id)


def _resolver():
    return staff_with("money.change_banknotification", "orders.change_order")


def test_staff_resolve_an_underpayment_by_marking_the_order_paid_once(client):
    order = _order()
    notification = _queued(client, provider_id="u1", amount=399_000, content=f"OCOP {order.number}")
    for refused in (staff_with(), staff_with("orders.change_order"), UserFactory(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            bank_notification_resolve(notification=notification, outcome="mark_paid", reason="ok", by=refused)
    assert _state(order) == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID)
    staff = _resolver()
    with pytest.raises(ValidationError) as exc:
        bank_notification_resolve(notification=notification, outcome="mark_paid", reason="  ", by=staff)
    assert exc.value.messages == ["Vui lòng ghi lý do / cách đã xử lý."]
    assert BankNotification.objects.get().outcome == ""
    bank_notification_resolve(
        notification=notification,
        outcome=NotificationOutcome.MARK_PAID,
        reason="Khách chuyển thiếu 1.000 ₫, cửa hàng chịu",
        by=staff,
    )
    assert _state(order) == (OrderStatus.CONFIRMED, PaymentState.PAID)
    row = BankNotification.objects.values("status", "outcome", "resolution", "resolved_by").get()
    assert row == {
        "status": NotificationStatus.RESOLVED,
        "outcome": "mark_paid",
        "resolution": "Khách chuyển thiếu 1.000 ₫, cửa hàng chịu",
        "resolved_by": staff.email,
    }
    entries = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as exc:  # exactly once
        bank_notification_resolve(notification=notification, outcome="ignored", reason="lại", by=staff)
    assert exc.value.messages == ["Giao dịch này đã được xử lý."]
    assert BankNotification.objects.values("outcome", "resolution").get()["outcome"] == "mark_paid"
    assert LedgerEntry.objects.count() == entries


def test_unknown_reference_matched_by_staff_to_the_order_they_name(client):
    order = _order()
    notification = _queued(client, provider_id="k1", amount=400_000, content="chuyen tien hang")
    staff = _resolver()
    with pytest.raises(ValidationError) as exc:
        bank_notification_resolve(notification=notification, outcome="mark_paid", reason="x", by=staff)
    assert exc.value.messages == ["Không tìm thấy đơn hàng."]
    bank_notification_resolve(
        notification=notification,
        outcome="mark_paid",
        reason="Khách gọi điện xác nhận mã đơn",
        order_number=order.number.lower(),
        by=staff,
    )
    assert _state(order) == (OrderStatus.CONFIRMED, PaymentState.PAID)
    assert BankNotification.objects.get().order_id == order.pk


@pytest.mark.parametrize("outcome", ["refunded", "ignored"])
def test_overpayment_or_duplicate_refunded_or_ignored_changes_no_order(client, outcome):
    order = _order()
    _post(client, bank_body(provider_id="p1", amount=400_000, content=f"OCOP {order.number}"))
    duplicate = _queued(client, provider_id="p2", amount=400_000, content=f"OCOP {order.number}")
    assert duplicate.status == NotificationStatus.ALREADY_PAID
    entries = LedgerEntry.objects.count()
    staff = _resolver()
    with pytest.raises(ValidationError):  # already paid: never marked paid twice
        bank_notification_resolve(notification=duplicate, outcome="mark_paid", reason="x", by=staff)
    bank_notification_resolve(
        notification=duplicate, outcome=outcome, reason="Đã chuyển trả lại, mã FT123", by=staff
    )
    assert BankNotification.objects.get(pk=duplicate.pk).outcome == outcome
    assert LedgerEntry.objects.count() == entries


def test_admin_resolve_page_needs_the_permission_and_a_reason(client):
    order = _order()
    notification = _queued(client, provider_id="a1", amount=401_000, content=f"OCOP {order.number}")
    url = f"/admin/money/banknotification/{notification.pk}/resolve/"
    data = {"outcome": "refunded", "reason": "Đã hoàn 1.000 ₫ thừa cho khách"}
    client.force_login(staff_with("money.view_banknotification"))
    assert client.post(url, data).status_code == 403
    assert BankNotification.objects.get().outcome == ""
    client.force_login(_resolver())
    page = client.get("/admin/money/banknotification/").content.decode()
    assert f'data-resolve="{notification.pk}"' in page
    assert client.post(url, {"outcome": "refunded", "reason": ""}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    row = BankNotification.objects.get()
    assert (row.status, row.outcome, row.resolution) == ("resolved", "refunded", data["reason"])
    assert _state(order) == (OrderStatus.UNCONFIRMED, PaymentState.UNPAID)
    assert client.post(url, data).status_code == 400  # once
