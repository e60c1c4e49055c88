"""checkoutCustomerAttach / checkoutCustomerDetach (issue 13), in the storefront's and auth-sdk's shapes."""

import base64

import pytest

from marketplace.checkout.models import Checkout
from tests.factories import UserFactory
from tests.factories.orders import buyable_variant, filled_checkout

pytestmark = pytest.mark.django_db

ATTACH = """
mutation checkoutCustomerAttach($checkoutId: ID!) {
  checkoutCustomerAttach(id: $checkoutId) { checkout { id email } errors { field message code } }
}
"""
DETACH = """
mutation checkoutCustomerDetach($checkoutId: ID!) {
  checkoutCustomerDetach(id: $checkoutId) { errors { message field code } }
}
"""


def gid(token) -> str:
    return base64.b64encode(f"Checkout:{token}".encode()).decode()


def owner(checkout) -> int | None:
    return Checkout.objects.get(pk=checkout.pk).user_id


def test_a_signed_in_shopper_attaches_a_guest_cart_as_it_is_and_detaches_it(api):
    lan = UserFactory(email="lan@example.vn")
    cart = filled_checkout((buyable_variant(), 2), email="")
    body = api.data(ATTACH, {"checkoutId": gid(cart.token)}, user=lan)["checkoutCustomerAttach"]
    assert body == {"checkout": {"id": gid(cart.token), "email": "lan@example.vn"}, "errors": []}
    assert (owner(cart), cart.lines.count()) == (lan.pk, 1)
    assert api.data(DETACH, {"checkoutId": gid(cart.token)}, user=lan) == {
        "checkoutCustomerDetach": {"errors": []}
    }
    assert owner(cart) is None
    assert Checkout.objects.filter(pk=cart.pk).exists()  # still usable by its token


def test_attaching_keeps_another_cart_of_the_shopper_apart(api):
    lan = UserFactory()
    older = filled_checkout((buyable_variant(), 1), user=lan)
    cart = filled_checkout((buyable_variant(), 2))
    api.data(ATTACH, {"checkoutId": gid(cart.token)}, user=lan)
    assert (owner(cart), owner(older), Checkout.objects.count()) == (lan.pk, lan.pk, 2)


@pytest.mark.parametrize("query", [ATTACH, DETACH])
def test_someone_elses_cart_and_anonymous_callers_are_refused(api, query):
    lan, mai = UserFactory(), UserFactory()
    cart = filled_checkout((buyable_variant(), 1), user=mai)
    for user in (None, lan):
        body = api(query, {"checkoutId": gid(cart.token)}, user=user)
        assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
        assert owner(cart) == mai.pk


def test_an_unknown_checkout_is_not_found(api):
    body = api.data(ATTACH, {"checkoutId": gid("00000000-0000-0000-0000-000000000000")}, user=UserFactory())
    assert [(e["field"], e["code"]) for e in body["checkoutCustomerAttach"]["errors"]] == [
        ("id", "NOT_FOUND")
    ]


CHECKOUT_USER = "query($id: ID!) { checkout(id: $id) { user { email } } }"


def test_checkout_user_is_shown_to_its_owner_only(api):
    lan, other = UserFactory(email="lan@example.vn"), UserFactory()
    mine = filled_checkout((buyable_variant(), 1), user=lan)
    guest = filled_checkout((buyable_variant(), 1))
    assert api.data(CHECKOUT_USER, {"id": gid(mine.token)}, user=lan) == {
        "checkout": {"user": {"email": "lan@example.vn"}}
    }
    for caller in (other, None):
        assert api.data(CHECKOUT_USER, {"id": gid(mine.token)}, user=caller) == {"checkout": {"user": None}}
    assert api.data(CHECKOUT_USER, {"id": gid(guest.token)}, user=lan) == {"checkout": {"user": None}}
