"""The producer's money page /seller/<slug>/money/ and its CSV/PDF statements (issue 15)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.money.selectors import producer_statement
from marketplace.producers.models import ProducerKind
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import MembershipFactory, UserFactory, staff_with
from tests.factories.money import deliver, pay_by_transfer
from tests.factories.orders import buyable_variant, place_order

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _sell(producer, *, price: int, days_ago: int = 0) -> None:
    order = place_order((buyable_variant(producer=producer, price=price), 1), payment_method="bank_transfer")
    pay_by_transfer(order)
    deliver(order, days_ago=days_ago)


@pytest.fixture
def member(settings):
    settings.MONEY_COMMISSION_DEFAULT_BP = 1000
    settings.MONEY_RETURN_WINDOW_DAYS = 7
    return MembershipFactory(producer__kind=ProducerKind.HOUSEHOLD)


def test_money_page_shows_balance_pending_and_paid(client, member):
    _sell(member.producer, price=600_000, days_ago=10)  # 600.000 - 60.000 - 6.000 - 3.000 = 531.000 payable
    _sell(member.producer, price=100_000)  # 100.000 + 30.000 - 10.000 - 1.000 - 500 = 118.500 pending
    client.force_login(member.user)
    html = client.get(f"/seller/{member.producer.slug}/money/").content.decode()
    assert 'data-balance-vnd="649500"' in html
    assert 'data-pending-vnd="118500"' in html
    assert 'data-paid-vnd="0"' in html
    assert html.count("data-entry-kind=") == 9  # the 600.000 ₫ order ships free
    assert f'href="/seller/{member.producer.slug}/money/statement.csv"' in html
    assert f'href="/seller/{member.producer.slug}/money/statement.pdf"' in html


def test_statement_downloads_hold_only_the_producers_own_entries(client, member):
    other = MembershipFactory()
    _sell(member.producer, price=100_000)
    _sell(other.producer, price=777_000)
    client.force_login(member.user)
    csv_text = client.get(f"/seller/{member.producer.slug}/money/statement.csv").content.decode()
    lines = csv_text.splitlines()
    assert lines[0] == "date,kind,order,sku,amount_vnd,reason"
    assert sorted(int(line.split(",")[4]) for line in lines[1:]) == [-10_000, -1_000, -500, 30_000, 100_000]
    assert "777000" not in csv_text
    pdf = client.get(f"/seller/{member.producer.slug}/money/statement.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("path", ["money/", "money/statement.csv", "money/statement.pdf"])
def test_another_producers_money_is_not_found(client, member, path):
    other = MembershipFactory()
    _sell(other.producer, price=100_000)
    client.force_login(member.user)
    assert client.get(f"/seller/{other.producer.slug}/{path}").status_code == 404
    client.logout()
    response = client.get(f"/seller/{other.producer.slug}/{path}")
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("member", True),
        ("other_member", False),
        ("staff_with_view_order", True),
        ("staff_without", False),
        ("shopper", False),
        ("anonymous", False),
        ("system", True),
    ],
)
def test_ledger_authorisation_matrix(member, who, allowed):
    _sell(member.producer, price=100_000)
    actor = {
        "member": lambda: member.user,
        "other_member": lambda: MembershipFactory().user,
        "staff_with_view_order": lambda: staff_with("orders.view_order"),
        "staff_without": lambda: staff_with("catalog.change_product"),
        "shopper": UserFactory,
        "anonymous": AnonymousUser,
        "system": lambda: SYSTEM_TASK,
    }[who]()
    if allowed:
        assert len(producer_statement(producer_id=member.producer.pk, by=actor)) == 5
    else:
        with pytest.raises(PermissionDenied):
            producer_statement(producer_id=member.producer.pk, by=actor)


@pytest.mark.parametrize("path", ["money/", "money/statement.csv"])
def test_statement_pages_query_count_is_constant(client, member, path):
    client.force_login(member.user)
    url = f"/seller/{member.producer.slug}/{path}"
    _sell(member.producer, price=100_000)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for price in (200_000, 300_000, 400_000, 600_000):
        _sell(member.producer, price=price, days_ago=10)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert len(five) == len(one)


def test_bank_account_change_needs_the_password_and_is_audited(client, member):
    from marketplace.money.models import BankAccount, BankAccountChange

    member.user.set_password("mat-khau-dung-1")
    member.user.save()
    client.force_login(member.user)
    url = f"/seller/{member.producer.slug}/money/bank-account/"
    data = {"bank_bin": "970436", "account_number": "0011 0012 34567", "account_name": "hoàng thị hoa"}
    response = client.post(url, {**data, "password": "sai"})
    assert response.status_code == 400
    assert "Mật khẩu không đúng." in response.content.decode()
    assert not BankAccount.objects.exists() and not BankAccountChange.objects.exists()

    response = client.post(url, {**data, "password": "mat-khau-dung-1"})
    assert response.status_code == 302
    account = BankAccount.objects.get(producer=member.producer)
    assert (account.bank_bin, account.account_number, account.account_name) == (
        "970436",
        "0011001234567",
        "HOÀNG THỊ HOA",
    )
    assert account.confirmed_at is not None
    client.post(url, {**data, "account_number": "999888777", "password": "mat-khau-dung-1"})
    changes = list(
        BankAccountChange.objects.order_by("pk").values_list("old_account", "new_account", "actor_name")
    )
    assert changes == [
        ("", "970436 0011001234567 HOÀNG THỊ HOA", member.user.email),
        ("970436 0011001234567 HOÀNG THỊ HOA", "970436 999888777 HOÀNG THỊ HOA", member.user.email),
    ]


def test_another_producers_bank_account_cannot_be_changed(client, member):
    from marketplace.money.models import BankAccount

    other = MembershipFactory()
    member.user.set_password("mat-khau-dung-1")
    member.user.save()
    client.force_login(member.user)
    data = {
        "bank_bin": "970436",
        "account_number": "0011001234567",
        "account_name": "X",
        "password": "mat-khau-dung-1",
    }
    assert client.post(f"/seller/{other.producer.slug}/money/bank-account/", data).status_code == 404
    assert not BankAccount.objects.exists()


def test_producer_accepts_or_refuses_a_return_from_the_order_page(client, member):
    from marketplace.money.models import ReturnRequest, ReturnStatus
    from marketplace.money.services import return_request_create
    from marketplace.orders.models import OrderLine

    buyer = UserFactory()
    order = place_order((buyable_variant(producer=member.producer, price=100_000), 2), user=buyer)
    deliver(order)
    line = OrderLine.objects.get(part__order=order)
    first = return_request_create(line=line, quantity=1, reason="Vỡ", photos=[], by=buyer)
    second = return_request_create(line=line, quantity=1, reason="Đổi ý", photos=[], by=buyer)
    client.force_login(member.user)
    page = f"/seller/{member.producer.slug}/orders/{line.part_id}/"
    html = client.get(page).content.decode()
    assert f'data-return="{first.pk}" data-return-status="requested"' in html
    client.post(f"{page}returns/{first.pk}/", {"decision": "accept", "restock": "1"})
    refused = client.post(f"{page}returns/{second.pk}/", {"decision": "refuse", "reason": ""}, follow=True)
    assert "Vui lòng cho biết lý do từ chối." in refused.content.decode()
    client.post(f"{page}returns/{second.pk}/", {"decision": "refuse", "reason": "Hàng đã mở, không lỗi"})
    assert dict(ReturnRequest.objects.values_list("pk", "status")) == {
        first.pk: ReturnStatus.ACCEPTED,
        second.pk: ReturnStatus.REFUSED,
    }
    assert ReturnRequest.objects.get(pk=first.pk).restock is True
    # Another producer's member cannot decide it.
    other = MembershipFactory()
    client.force_login(other.user)
    assert (
        client.post(f"/seller/{other.producer.slug}/orders/{line.part_id}/returns/{first.pk}/").status_code
        == 404
    )
