"""Unpaid bank-transfer orders give their stock back after BANK_TRANSFER_HOLD_HOURS (beat and command)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.catalog.models import Stock
from marketplace.orders.models import ActorKind, Order, OrderEvent, OrderEventKind, OrderStatus, PaymentState
from marketplace.orders.services import order_mark_paid, order_part_confirm, order_part_mark_shipped
from marketplace.orders.tasks import release_expired_bank_transfer_orders_task
from marketplace.payments.models import Payment, PaymentStatus
from tests.factories import MembershipFactory, StaffFactory
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db


def _aged(order: Order, hours: int) -> Order:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - datetime.timedelta(hours=hours))
    return order


@pytest.fixture
def orders(settings):
    settings.BANK_TRANSFER_HOLD_HOURS = 48
    member = MembershipFactory()
    variant = buyable_variant(quantity=20, producer=member.producer)
    staff = StaffFactory(is_superuser=True)
    made = {
        "expired": _aged(place_order((variant, 1), payment_method="bank_transfer"), 49),
        "expired_confirmed": _aged(place_order((variant, 2), payment_method="bank_transfer"), 72),
        "fresh": _aged(place_order((variant, 3), payment_method="bank_transfer"), 47),
        "paid": _aged(place_order((variant, 1), payment_method="bank_transfer"), 49),
        "shipped": _aged(place_order((variant, 1), payment_method="bank_transfer"), 49),
        "cod": _aged(place_order((variant, 1), payment_method="cod"), 100),
    }
    order_part_confirm(part=made["expired_confirmed"].parts.get(), by=member.user)
    order_mark_paid(order=made["paid"], by=staff)
    order_part_mark_shipped(part=made["shipped"].parts.get(), by=member.user, tracking_code="GHN")
    return variant, made


def _states(made) -> dict:
    return {name: Order.objects.get(pk=order.pk).status for name, order in made.items()}


def test_only_expired_unpaid_bank_transfers_are_released_once(orders):
    variant, made = orders
    assert Stock.objects.get(variant=variant).quantity == 20 - 9

    assert release_expired_bank_transfer_orders_task() == 2
    assert _states(made) == {
        "expired": OrderStatus.CANCELLED,
        "expired_confirmed": OrderStatus.CANCELLED,
        "fresh": OrderStatus.UNCONFIRMED,
        "paid": OrderStatus.CONFIRMED,
        "shipped": OrderStatus.SHIPPED,
        "cod": OrderStatus.UNCONFIRMED,
    }
    assert Stock.objects.get(variant=variant).quantity == 20 - 9 + 3
    assert Payment.objects.get(order=made["expired"]).status == PaymentStatus.FAILED
    assert list(
        OrderEvent.objects.order_by("id").values_list("order_id", "kind", "actor_kind", "actor_name")
    ) == [
        (made["expired"].pk, OrderEventKind.RELEASED, ActorKind.SYSTEM, "system:task"),
        (made["expired_confirmed"].pk, OrderEventKind.RELEASED, ActorKind.SYSTEM, "system:task"),
    ]
    assert OrderEvent.objects.first().reason == "Chưa nhận được chuyển khoản sau 48 giờ."

    # Idempotent: a second run (a redelivered beat message) changes nothing.
    assert release_expired_bank_transfer_orders_task() == 0
    assert Stock.objects.get(variant=variant).quantity == 20 - 9 + 3
    assert OrderEvent.objects.count() == 2


def test_the_hold_is_a_setting_and_the_command_does_the_same_work(orders, settings, capsys):
    variant, made = orders
    settings.BANK_TRANSFER_HOLD_HOURS = 24 * 5
    call_command("release_unpaid_orders")
    assert capsys.readouterr().out.strip() == "Released 0 bank-transfer order(s) and 0 card order(s)."
    settings.BANK_TRANSFER_HOLD_HOURS = 1
    call_command("release_unpaid_orders")
    assert capsys.readouterr().out.strip() == "Released 3 bank-transfer order(s) and 0 card order(s)."
    assert Order.objects.get(pk=made["fresh"].pk).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=made["paid"].pk).payment_state == PaymentState.PAID
    assert Stock.objects.get(variant=variant).quantity == 20 - 3  # paid, shipped and COD keep theirs


def test_a_transfer_paid_before_the_task_runs_is_kept(orders):
    _variant, made = orders
    order_mark_paid(order=made["expired"], by=StaffFactory(is_superuser=True))
    assert release_expired_bank_transfer_orders_task() == 1  # only expired_confirmed
    assert Order.objects.get(pk=made["expired"].pk).status == OrderStatus.CONFIRMED


def test_the_shopper_is_told_the_hold_on_the_page_and_in_the_email(
    settings, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.BANK_TRANSFER_HOLD_HOURS = 36
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order((buyable_variant(), 1), payment_method="bank_transfer")
    page = client.get(f"/orders/{order.token}/").content.decode()
    assert 'data-transfer-hold-hours="36"' in page
    assert "Đơn hàng sẽ tự hủy nếu sau 36 giờ chưa nhận được chuyển khoản." in page
    assert "Đơn hàng sẽ tự hủy nếu sau 36 giờ chưa nhận được chuyển khoản." in mail.outbox[0].body
