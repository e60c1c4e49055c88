import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError

from marketplace.catalog.models import Stock
from marketplace.catalog.services import product_hide
from marketplace.certification.models import CertificationState
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.checkout.selectors import checkout_summary
from marketplace.checkout.services import (
    checkout_attach_user,
    checkout_complete,
    checkout_create,
    checkout_line_update,
    checkout_lines_add,
    checkout_shipping_address_update,
    checkout_submit,
    checkout_variant_quantity_set,
)
from marketplace.orders.models import Order, OrderLine, OrderPart, OrderStatus
from marketplace.payments.models import Payment
from tests.factories import MembershipFactory, ProducerFactory, UserFactory, moderator
from tests.factories.orders import buyable_variant, decertify, details, filled_checkout

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [error.code for error in errors] for field, errors in exc.error_dict.items()}


def _quantity(variant) -> int:
    return Stock.objects.get(variant=variant).quantity


def test_add_to_cart_checks_visibility_and_stock():
    variant = buyable_variant(quantity=3)
    checkout = checkout_create(by=AnonymousUser())
    line = checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=2, by=AnonymousUser())
    assert line.quantity == 2
    line = checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=1, by=AnonymousUser())
    assert line.quantity == 3
    with pytest.raises(ValidationError) as exc:
        checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=1, by=AnonymousUser())
    assert _codes(exc.value) == {"quantity": ["insufficient_stock"]}
    assert "chỉ còn 3" in exc.value.messages[0]
    assert CheckoutLine.objects.get(checkout=checkout).quantity == 3


def test_product_hidden_by_staff_cannot_enter_a_cart():
    variant = buyable_variant()
    product_hide(
        product=variant.product,
        by=moderator(),
        reason="Nhãn sai",
    )
    checkout = checkout_create(by=AnonymousUser())
    with pytest.raises(ValidationError) as exc:
        checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=1, by=AnonymousUser())
    assert _codes(exc.value) == {"variant": ["product_unavailable_for_purchase"]}
    assert not CheckoutLine.objects.exists()


def test_line_update_rechecks_stock_and_zero_removes():
    variant = buyable_variant(quantity=4)
    checkout = filled_checkout((variant, 1))
    line = checkout.lines.get()
    with pytest.raises(ValidationError) as exc:
        checkout_line_update(checkout=checkout, line_id=line.pk, quantity=5, by=AnonymousUser())
    assert _codes(exc.value) == {"quantity": ["insufficient_stock"]}
    assert (
        checkout_line_update(checkout=checkout, line_id=line.pk, quantity=4, by=AnonymousUser()).quantity == 4
    )
    assert checkout_line_update(checkout=checkout, line_id=line.pk, quantity=0, by=AnonymousUser()) is None
    assert not checkout.lines.exists()


def test_shipping_address_requires_a_current_province():
    checkout = checkout_create(by=AnonymousUser())
    with pytest.raises(ValidationError) as exc:
        checkout_shipping_address_update(
            checkout=checkout,
            full_name="A",
            phone="0912345678",
            province="yen-bai",
            commune="X",
            street="Y",
            by=AnonymousUser(),
        )
    assert _codes(exc.value) == {"province": ["invalid"]}


def test_complete_splits_order_per_producer_with_shipping_and_emails(django_capture_on_commit_callbacks):
    owner = MembershipFactory(user=UserFactory(email="htx-a@example.vn"))
    producer_b = ProducerFactory(email="contact@htx-b.vn")
    coffee = buyable_variant(quantity=10, price=185_000, producer=owner.producer)
    tea = buyable_variant(quantity=10, price=600_000, producer=producer_b)
    checkout = filled_checkout((coffee, 2), (tea, 1))
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_complete(token=checkout.token, by=AnonymousUser())

    assert order.number == f"DH{order.pk:07d}"
    assert order.status == OrderStatus.UNCONFIRMED
    parts = {part.producer_id: part for part in OrderPart.objects.filter(order=order)}
    assert parts[owner.producer_id].subtotal_amount == 370_000
    assert parts[owner.producer_id].shipping_amount == 30_000  # under the 500.000 ₫ threshold
    assert parts[producer_b.pk].subtotal_amount == 600_000
    assert parts[producer_b.pk].shipping_amount == 0
    assert (order.subtotal_amount, order.shipping_amount, order.total_amount) == (970_000, 30_000, 1_000_000)
    assert OrderLine.objects.filter(part__order=order).count() == 2
    assert (_quantity(coffee), _quantity(tea)) == (8, 9)
    assert not Checkout.objects.filter(pk=checkout.pk).exists()
    assert Payment.objects.get(order=order).amount == 1_000_000

    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [("contact@htx-b.vn",), ("htx-a@example.vn",), ("khach@example.vn",)]
    shopper_mail = next(m for m in mail.outbox if m.to == ["khach@example.vn"])
    assert order.number in shopper_mail.subject
    assert f"/orders/{order.token}/" in shopper_mail.body
    producer_mail = next(m for m in mail.outbox if m.to == ["contact@htx-b.vn"])
    assert tea.product.name in producer_mail.body
    assert coffee.product.name not in producer_mail.body  # each producer sees only its own lines


def test_complete_twice_returns_the_same_order():
    variant = buyable_variant(quantity=5)
    checkout = filled_checkout((variant, 2))
    first = checkout_complete(token=checkout.token, by=AnonymousUser())
    second = checkout_submit(token=checkout.token, details=details(), by=AnonymousUser())
    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert _quantity(variant) == 3


def test_unknown_token_is_not_found():
    with pytest.raises(ValidationError) as exc:
        checkout_complete(token=uuid.uuid4(), by=AnonymousUser())
    assert _codes(exc.value) == {"token": ["not_found"]}


def test_insufficient_stock_at_completion_changes_nothing():
    variant = buyable_variant(quantity=5)
    other = buyable_variant(quantity=5)
    checkout = filled_checkout((other, 1), (variant, 2))
    Stock.objects.filter(variant=variant).update(quantity=1)
    with pytest.raises(ValidationError) as exc:
        checkout_complete(token=checkout.token, by=AnonymousUser())
    assert _codes(exc.value) == {"lines": ["insufficient_stock"]}
    assert "chỉ còn 1" in exc.value.messages[0]
    assert (_quantity(variant), _quantity(other)) == (1, 5)
    assert not Order.objects.exists()
    assert Checkout.objects.filter(pk=checkout.pk).exists()


@pytest.mark.parametrize("state", [CertificationState.REVOKED, CertificationState.EXPIRED])
def test_product_decertified_between_cart_and_checkout_cannot_be_bought(state):
    variant = buyable_variant(quantity=5, name="Trà Shan tuyết")
    checkout = filled_checkout((variant, 1))
    decertify(variant.product, state)

    summary = checkout_summary(checkout=checkout)
    assert not summary.can_complete
    assert summary.lines[0].problem_code == "product_unavailable_for_purchase"

    with pytest.raises(ValidationError) as exc:
        checkout_complete(token=checkout.token, by=AnonymousUser())
    assert _codes(exc.value) == {"lines": ["product_unavailable_for_purchase"]}
    reason = "bị thu hồi" if state == CertificationState.REVOKED else "hết hạn"
    assert "Trà Shan tuyết" in exc.value.messages[0]
    assert reason in exc.value.messages[0]
    assert _quantity(variant) == 5
    assert not Order.objects.exists()


def test_missing_details_are_reported():
    variant = buyable_variant()
    checkout = filled_checkout((variant, 1), email="")
    with pytest.raises(ValidationError) as exc:
        checkout_complete(token=checkout.token, by=AnonymousUser())
    assert _codes(exc.value) == {"email": ["email_not_set"]}
    with pytest.raises(ValidationError) as exc:
        checkout_submit(
            token=checkout.token, details=details(phone="12", province="atlantis"), by=AnonymousUser()
        )
    assert _codes(exc.value) == {"phone": ["invalid"], "province": ["invalid"]}
    assert _quantity(variant) == 10


def test_signing_in_merges_the_guest_cart_into_the_users_cart():
    user = UserFactory()
    coffee, tea = buyable_variant(quantity=3), buyable_variant(quantity=9)
    mine = filled_checkout((coffee, 2), user=user)
    guest = filled_checkout((coffee, 2), (tea, 1))
    kept = checkout_attach_user(checkout=guest, by=user)
    assert kept.pk == mine.pk
    assert dict(kept.lines.values_list("variant_id", "quantity")) == {coffee.pk: 3, tea.pk: 1}  # capped
    assert not Checkout.objects.filter(pk=guest.pk).exists()

    lonely = filled_checkout((tea, 1))
    other = UserFactory()
    assert checkout_attach_user(checkout=lonely, by=other).user == other


def test_order_remembers_the_signed_in_user():
    user = UserFactory()
    variant = buyable_variant()
    checkout = filled_checkout((variant, 1))
    order = checkout_submit(token=checkout.token, by=user, details=details())
    assert order.user == user


def test_variant_quantity_set_adds_updates_and_removes():
    variant = buyable_variant(quantity=5)
    checkout = checkout_create(by=AnonymousUser())
    assert (
        checkout_variant_quantity_set(
            checkout=checkout, variant_id=variant.pk, quantity=0, by=AnonymousUser()
        )
        is None
    )
    assert (
        checkout_variant_quantity_set(
            checkout=checkout, variant_id=variant.pk, quantity=2, by=AnonymousUser()
        ).quantity
        == 2
    )
    assert (
        checkout_variant_quantity_set(
            checkout=checkout, variant_id=variant.pk, quantity=5, by=AnonymousUser()
        ).quantity
        == 5
    )
    with pytest.raises(ValidationError):
        checkout_variant_quantity_set(
            checkout=checkout, variant_id=variant.pk, quantity=6, by=AnonymousUser()
        )
    assert (
        checkout_variant_quantity_set(
            checkout=checkout, variant_id=variant.pk, quantity=0, by=AnonymousUser()
        )
        is None
    )
    assert not checkout.lines.exists()


def test_bank_transfer_confirmation_email_tells_how_to_pay(django_capture_on_commit_callbacks, settings):
    settings.VIETQR_ACCOUNT_NUMBER = "0011000000000"
    checkout = filled_checkout((buyable_variant(price=250_000), 2), payment_method="bank_transfer")
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_complete(token=checkout.token, by=AnonymousUser())
    body = mail.outbox[0].body
    assert "0011000000000" in body
    assert f"OCOP {order.number}" in body
    assert "500.000 ₫" in body


def test_stale_carts_are_forgotten():
    import datetime

    from django.utils import timezone

    from marketplace.checkout.tasks import delete_stale_checkouts_task

    old, fresh = filled_checkout((buyable_variant(), 1)), filled_checkout((buyable_variant(), 1))
    Checkout.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=31))
    assert delete_stale_checkouts_task() == 2  # the checkout and its line
    assert list(Checkout.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_adding_to_a_checkout_completed_meanwhile_is_not_found():
    variant = buyable_variant()
    checkout = filled_checkout((variant, 1))
    checkout_complete(token=checkout.token, by=AnonymousUser())
    with pytest.raises(ValidationError) as exc:
        checkout_lines_add(checkout=checkout, variant_id=variant.pk, quantity=1, by=AnonymousUser())
    assert _codes(exc.value) == {"token": ["not_found"]}
