"""One address rule for the account and the checkout: the same table passes through both, so an address the
account saved is never refused at checkout."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from marketplace.accounts.models import Address
from marketplace.accounts.services import address_create
from marketplace.checkout.models import Checkout
from marketplace.checkout.services import checkout_create, checkout_shipping_address_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = {
    "full_name": "Lò Văn Pâng",
    "phone": "0912345678",
    "province": "son-la",
    "commune": "Mộc Châu",
    "street": "Bản Áng",
}
# (changed fields, the error codes by field; {} = accepted)
CASES = [
    ({}, {}),
    ({"phone": "0912 345 678"}, {}),
    ({"phone": "+84 912.345.678"}, {}),
    ({"phone": "(024) 3826-1234"}, {}),
    ({"full_name": "  Lò Văn Pâng  ", "street": " Bản Áng "}, {}),
    ({"phone": "12345678"}, {"phone": ["invalid"]}),  # 8 digits
    ({"phone": "0912345678901"}, {"phone": ["invalid"]}),  # 13 digits
    ({"phone": "gọi 0912345678"}, {"phone": ["invalid"]}),
    ({"phone": "   "}, {"phone": ["required"]}),
    ({"phone": "0" * 21}, {"phone": ["invalid"]}),
    ({"full_name": ""}, {"full_name": ["required"]}),
    ({"full_name": "L" * 121}, {"full_name": ["invalid"]}),
    ({"commune": " ", "street": ""}, {"commune": ["required"], "street": ["required"]}),
    ({"street": "s" * 256}, {"street": ["invalid"]}),
    ({"province": "ha-tay"}, {"province": ["invalid"]}),  # merged into Hà Nội in 2008
    ({"province": ""}, {"province": ["invalid"]}),
]


def _codes(error: ValidationError) -> dict:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def _through_account(fields: dict) -> dict:
    try:
        user = UserFactory()
        address_create(user=user, **fields, by=user)
    except ValidationError as exc:
        assert not Address.objects.exists()
        return _codes(exc)
    return {}


def _through_checkout(fields: dict) -> dict:
    checkout = checkout_create(by=AnonymousUser())
    try:
        checkout_shipping_address_update(checkout=checkout, **fields, by=AnonymousUser())
    except ValidationError as exc:
        checkout = Checkout.objects.get(pk=checkout.pk)
        assert (checkout.phone, checkout.full_name, checkout.street) == ("", "", "")
        return _codes(exc)
    return {}


@pytest.mark.parametrize(("changes", "errors"), CASES)
def test_account_and_checkout_apply_the_same_address_rule(changes, errors):
    fields = {**HOME, **changes}
    assert _through_account(fields) == errors
    assert _through_checkout(fields) == errors


def test_an_address_saved_in_the_account_is_accepted_at_checkout():
    user = UserFactory()
    saved = address_create(user=user, **{**HOME, "phone": " +84 912 345 678 "}, by=user)
    checkout = checkout_shipping_address_update(
        checkout=checkout_create(by=user),
        by=user,
        **{name: getattr(saved, name) for name in ("full_name", "phone", "province", "commune", "street")},
    )
    assert (checkout.phone, checkout.street) == ("+84 912 345 678", "Bản Áng")
