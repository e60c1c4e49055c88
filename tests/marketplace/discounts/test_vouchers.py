"""Vouchers: exact totals, refusals that change nothing, the producer's and the platform's money."""

import datetime
from functools import partial

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marketplace.catalog.models import Stock
from marketplace.checkout.models import Checkout
from marketplace.checkout.selectors import checkout_summary
from marketplace.checkout.services import (
    checkout_complete,
    checkout_promo_code_add,
    checkout_promo_code_remove,
)
from marketplace.discounts.models import DiscountValueType, Voucher, VoucherUsage
from marketplace.discounts.pricing import PricedLine, allocate, voucher_discount
from marketplace.discounts.services import voucher_create, voucher_deactivate
from marketplace.money.models import LedgerEntry, LedgerKind
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.services import order_payment_received
from marketplace.producers.models import ProducerKind
from marketplace.producers.policies import SYSTEM_WEBHOOK
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, staff_with
from tests.factories.discounts import VoucherFactory
from tests.factories.orders import buyable_variant, filled_checkout
from tests.threads import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]
SHOPPER = AnonymousUser()


@pytest.fixture
def two_producers():
    """Coffee ×3 at 33.333 ₫ (99.999 ₫) from one producer, tea ×1 at 250.000 ₫ from another."""
    coffee_maker = ProducerFactory(name="HTX Cà phê")
    tea_maker = ProducerFactory(name="HTX Trà")
    coffee = buyable_variant(price=33_333, producer=coffee_maker, name="Cà phê", slug="ca-phe")
    tea = buyable_variant(price=250_000, producer=tea_maker, name="Trà", slug="tra")
    return coffee_maker, tea_maker, coffee, tea


def _apply(checkout, code):
    return checkout_promo_code_add(checkout=checkout, promo_code=code, by=SHOPPER)


def test_percentage_is_rounded_half_up_to_whole_dong_and_shared_exactly():
    voucher = Voucher(code="X", value_type=DiscountValueType.PERCENTAGE, value=15)
    lines = [PricedLine(key=1, producer_id=1, amount=33_333), PricedLine(key=2, producer_id=1, amount=66_667)]
    discount = voucher_discount(voucher, lines)
    assert discount.amount == 15_000  # 100.000 × 15 %
    assert discount.by_line == {1: 5_000, 2: 10_000}
    odd = voucher_discount(voucher, [PricedLine(key=1, producer_id=1, amount=99_999)])
    assert odd.amount == 15_000  # 14.999,85 rounds up
    assert allocate(10, [PricedLine(key=k, producer_id=1, amount=1) for k in "abc"]) == {
        "a": 4,
        "b": 3,
        "c": 3,
    }


def test_a_producer_voucher_discounts_only_its_lines_and_is_capped_at_them(two_producers):
    coffee_maker, _tea_maker, coffee, tea = two_producers
    VoucherFactory(code="CAPHE200K", producer=coffee_maker, value_type=DiscountValueType.FIXED, value=200_000)
    checkout = filled_checkout((coffee, 3), (tea, 1))
    _apply(checkout, "caphe200k")  # any letter case
    summary = checkout_summary(checkout=Checkout.objects.get())
    assert summary.discount_amount == 99_999  # capped at the producer's lines
    assert summary.total == 99_999 + 250_000 + 2 * 30_000 - 99_999  # shipping follows the undiscounted goods

    order = checkout_complete(token=checkout.token, by=SHOPPER)
    order.refresh_from_db()
    assert (order.subtotal_amount, order.shipping_amount, order.discount_amount, order.total_amount) == (
        349_999,
        60_000,
        99_999,
        310_000,
    )
    assert order.voucher_code == "CAPHE200K"
    coffee_line = OrderLine.objects.get(variant=coffee)
    assert (coffee_line.discount_amount, coffee_line.producer_discount_amount, coffee_line.sale_amount) == (
        99_999,
        99_999,
        0,
    )
    assert OrderLine.objects.get(variant=tea).discount_amount == 0
    assert sum(part.total_amount for part in order.parts.all()) == order.total_amount
    assert order.payments.get().amount == 310_000
    usage = VoucherUsage.objects.get()
    assert (usage.order_id, usage.amount, usage.customer_key) == (order.pk, 99_999, "khach@example.vn")
    assert Voucher.objects.get().used == 1


def test_producer_voucher_reduces_its_sales_staff_voucher_does_not(two_producers):
    coffee_maker, tea_maker, coffee, tea = two_producers
    Voucher.objects.all().delete()
    tea_maker.kind = ProducerKind.HOUSEHOLD
    tea_maker.save()
    VoucherFactory(code="TRA10", producer=tea_maker, value=10)
    order = checkout_complete(token=_checkout_with(coffee, tea, code="TRA10").token, by=SHOPPER)
    order_payment_received(order=order, by=SYSTEM_WEBHOOK)
    sales = dict(LedgerEntry.objects.filter(kind=LedgerKind.SALE).values_list("producer_id", "amount"))
    assert sales == {coffee_maker.pk: 99_999, tea_maker.pk: 225_000}
    vat = LedgerEntry.objects.get(kind=LedgerKind.VAT_WITHHELD, producer=tea_maker)
    assert vat.amount == -2_250  # 1 % of what the producer sold, after its own discount

    VoucherFactory(code="SAN50K", value_type=DiscountValueType.FIXED, value=50_000)
    second = checkout_complete(
        token=_checkout_with(coffee, tea, code="SAN50K", email="b@example.vn").token, by=SHOPPER
    )
    second.refresh_from_db()
    assert second.discount_amount == 50_000
    assert second.total_amount == 349_999 + 60_000 - 50_000
    order_payment_received(order=second, by=SYSTEM_WEBHOOK)
    second_sales = dict(
        LedgerEntry.objects.filter(kind=LedgerKind.SALE, part__order=second).values_list(
            "producer_id", "amount"
        )
    )
    assert second_sales == {coffee_maker.pk: 99_999, tea_maker.pk: 250_000}  # the platform bears it
    shares = dict(second.parts.values_list("producer_id", "discount_amount"))
    assert shares == {coffee_maker.pk: 14_286, tea_maker.pk: 35_714}  # proportional, summing exactly


def _checkout_with(coffee, tea, *, code, email="khach@example.vn"):
    checkout = filled_checkout((coffee, 3), (tea, 1), email=email)
    _apply(checkout, code)
    return checkout


@pytest.mark.parametrize(
    ("voucher", "code", "error"),
    [
        ({}, "KHONGCO", "invalid"),
        ({"is_active": False}, "GIAM", "invalid"),
        (
            {
                "ends_at": timezone.now() - datetime.timedelta(minutes=1),
                "starts_at": timezone.now() - datetime.timedelta(days=2),
            },
            "GIAM",
            "invalid",
        ),
        ({"starts_at": timezone.now() + datetime.timedelta(days=1)}, "GIAM", "invalid"),
        ({"usage_limit": 3, "used": 3}, "GIAM", "voucher_not_applicable"),
        ({"min_order_amount": 400_000}, "GIAM", "voucher_not_applicable"),
        ({"producer": "other"}, "GIAM", "voucher_not_applicable"),
    ],
)
def test_unusable_codes_are_refused_and_nothing_changes(two_producers, voucher, code, error):
    _coffee_maker, _tea_maker, coffee, tea = two_producers
    if voucher.get("producer") == "other":
        voucher["producer"] = ProducerFactory()
    VoucherFactory(code="GIAM", **voucher)
    checkout = filled_checkout((coffee, 3), (tea, 1))
    before = Checkout.objects.values().get()
    with pytest.raises(ValidationError) as caught:
        _apply(checkout, code)
    assert [item.code for item in caught.value.error_dict["promo_code"]] == [error]
    assert Checkout.objects.values().get() == before


def test_a_code_that_stops_applying_blocks_completion_until_removed(two_producers):
    _coffee_maker, _tea_maker, coffee, tea = two_producers
    voucher = VoucherFactory(code="GIAM")
    checkout = filled_checkout((coffee, 3), (tea, 1))
    _apply(checkout, "GIAM")
    Voucher.objects.filter(pk=voucher.pk).update(is_active=False)
    assert checkout_summary(checkout=Checkout.objects.get()).discount_amount == 0
    with pytest.raises(ValidationError) as caught:
        checkout_complete(token=checkout.token, by=SHOPPER)
    assert caught.value.error_dict["promo_code"][0].code == "invalid"
    assert Order.objects.count() == 0 and Stock.objects.get(variant=coffee).quantity == 10
    checkout_promo_code_remove(checkout=Checkout.objects.get(), by=SHOPPER)
    order = checkout_complete(token=checkout.token, by=SHOPPER)
    assert (order.discount_amount, order.voucher_code) == (0, "")


def test_the_per_customer_limit_counts_orders_by_email(two_producers):
    _coffee_maker, _tea_maker, coffee, tea = two_producers
    VoucherFactory(code="MOTLAN", usage_limit_per_customer=1)
    checkout_complete(token=_checkout_with(coffee, tea, code="MOTLAN").token, by=SHOPPER)
    again = filled_checkout((coffee, 1), email="KHACH@example.vn".lower())
    with pytest.raises(ValidationError) as caught:
        _apply(again, "MOTLAN")
    assert caught.value.error_dict["promo_code"][0].code == "voucher_not_applicable"


def test_who_may_create_and_deactivate_vouchers():
    producer = ProducerFactory()
    member = MembershipFactory(producer=producer).user
    stranger = MembershipFactory().user
    staff = staff_with("discounts.change_voucher")
    made = voucher_create(producer=producer, code="cf-10", value_type="percentage", value=10, by=member)
    assert (made.code, made.producer_id, made.created_by_id) == ("CF-10", producer.pk, member.pk)
    for actor in (stranger, UserFactory(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            voucher_create(producer=producer, code="X1", value_type="percentage", value=10, by=actor)
        with pytest.raises(PermissionDenied):
            voucher_deactivate(voucher=made, by=actor)
    with pytest.raises(PermissionDenied):
        voucher_create(producer=None, code="SAN", value_type="fixed", value=10_000, by=member)
    voucher_create(producer=None, code="SAN", value_type="fixed", value=10_000, by=staff)
    with pytest.raises(ValidationError) as caught:
        voucher_create(producer=producer, code="san", value_type="fixed", value=1, by=member)
    assert caught.value.error_dict["code"][0].code == "unique"
    with pytest.raises(ValidationError) as caught:
        voucher_create(producer=producer, code="OK", value_type="percentage", value=101, by=member)
    assert list(caught.value.error_dict) == ["value"]
    assert Voucher.objects.count() == 2
    assert voucher_deactivate(voucher=made, by=member).is_active is False


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_racing_for_the_last_use_make_one_order():
    variant = buyable_variant(quantity=10)
    VoucherFactory(code="CUOI", usage_limit=1)
    checkouts = [
        filled_checkout((variant, 1), email=f"buyer{i}@example.vn", voucher_code="CUOI") for i in range(2)
    ]
    orders, refusals = race(
        *[partial(checkout_complete, token=checkout.token, by=AnonymousUser()) for checkout in checkouts]
    )
    assert len(orders) == 1
    assert [exc.error_dict["promo_code"][0].code for exc in refusals] == ["voucher_not_applicable"]
    assert Voucher.objects.get().used == 1
    assert VoucherUsage.objects.count() == 1 and Order.objects.count() == 1
    assert Stock.objects.get(variant=variant).quantity == 9
    assert Checkout.objects.count() == 1  # the refused cart stays, unchanged
