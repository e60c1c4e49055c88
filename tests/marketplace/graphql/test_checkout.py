"""Checkout through the API: Saleor's storefront operations, then email, address and cash-on-delivery
completion, with the visibility rule applied to every checkout line."""

import pytest
from graphql_relay import from_global_id, to_global_id

from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.orders.models import Order
from tests.factories import ModerationFactory, UserFactory
from tests.factories.graphql import product_with_image
from tests.marketplace.graphql import storefront_operations as ops

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]

ADDRESS = """mutation($id: ID!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: {
    firstName: "Nguyễn", lastName: "Lan", streetAddress1: "12 Tô Hiệu", city: "Phường Tô Hiệu",
    countryArea: "Sơn La", country: "VN", phone: "0912345678"
  }) { checkout { shippingAddress { firstName streetAddress1 city countryArea country { code } } }
       errors { field code message } }
}"""
EMAIL = """mutation($id: ID!, $email: String!) {
  checkoutEmailUpdate(id: $id, email: $email) { checkout { email } errors { field code } }
}"""
COMPLETE = """mutation($id: ID!) {
  checkoutComplete(id: $id) {
    order {
      id number status paymentMethod total { gross { amount currency } } lines { productName quantity }
    }
    confirmationNeeded
    errors { field code message }
  }
}"""
DELIVERY = """mutation($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { totalPrice { gross { amount } } } errors { field code }
  }
}"""
STANDARD = to_global_id("ShippingMethod", "standard")
UPDATE = """mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) { checkout { lines { quantity } } errors { field code } }
}"""


def variant_id(product) -> str:
    return to_global_id("ProductVariant", product.variants.get().pk)


@pytest.fixture
def products():
    return {
        "coffee": product_with_image(name="Cà phê Arabica", slug="ca-phe", price=185_000),
        "tea": product_with_image(name="Trà Shan tuyết", slug="tra", price=250_000),
    }


def create(api, user=None) -> str:
    data = api.data(ops.CHECKOUT_CREATE, user=user)["checkoutCreate"]
    assert data["errors"] == []
    return data["checkout"]["id"]


def test_storefront_checkout_operations(api, products):
    checkout_id = create(api)
    assert from_global_id(checkout_id)[0] == "Checkout"
    added = api.data(
        ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["coffee"])}
    )
    lines = added["checkoutLinesAdd"]["checkout"]["lines"]
    assert [(line["quantity"], line["variant"]["product"]["name"]) for line in lines] == [
        (1, "Cà phê Arabica")
    ]
    api.data(ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["tea"])})
    found = api.data(ops.CHECKOUT_FIND, {"id": checkout_id})["checkout"]
    assert [line["variant"]["product"]["slug"] for line in found["lines"]] == ["ca-phe", "tra"]
    assert found["lines"][0]["totalPrice"]["gross"] == {"amount": 185_000, "currency": "VND"}
    assert found["lines"][0]["variant"]["product"]["thumbnail"]["url"].endswith(".png")
    # No delivery method chosen yet: the totals leave shipping out (as Saleor's do).
    assert found["totalPrice"]["gross"]["amount"] == 185_000 + 250_000
    chosen = api.data(DELIVERY, {"id": checkout_id, "method": STANDARD})["checkoutDeliveryMethodUpdate"]
    assert chosen["errors"] == []
    # 435.000 ₫ from two producers under the free-shipping threshold: 30.000 ₫ each.
    assert chosen["checkout"]["totalPrice"]["gross"]["amount"] == 185_000 + 250_000 + 2 * 30_000
    deleted = api.data(
        ops.CHECKOUT_DELETE_LINES, {"checkoutId": checkout_id, "lineIds": [found["lines"][0]["id"]]}
    )
    assert deleted["checkoutLinesDelete"]["errors"] == []
    found = api.data(ops.CHECKOUT_FIND, {"id": checkout_id})["checkout"]
    assert [line["variant"]["product"]["slug"] for line in found["lines"]] == ["tra"]


def test_lines_update_email_address_and_cash_on_delivery(api, products):
    shopper = UserFactory(email="lan@example.vn")
    checkout_id = create(api, user=shopper)
    api.data(ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["coffee"])})
    updated = api.data(
        UPDATE, {"id": checkout_id, "lines": [{"variantId": variant_id(products["coffee"]), "quantity": 3}]}
    )
    assert updated["checkoutLinesUpdate"]["checkout"]["lines"] == [{"quantity": 3}]
    too_many = api.data(
        UPDATE, {"id": checkout_id, "lines": [{"variantId": variant_id(products["coffee"]), "quantity": 51}]}
    )
    assert too_many["checkoutLinesUpdate"]["errors"] == [{"field": "quantity", "code": "INSUFFICIENT_STOCK"}]
    bad_email = api.data(EMAIL, {"id": checkout_id, "email": "not-an-email"})["checkoutEmailUpdate"]
    assert bad_email["errors"] == [{"field": "email", "code": "INVALID"}]
    assert api.data(EMAIL, {"id": checkout_id, "email": "Lan@Example.vn"})["checkoutEmailUpdate"][
        "checkout"
    ] == {"email": "lan@example.vn"}
    address = api.data(ADDRESS, {"id": checkout_id})["checkoutShippingAddressUpdate"]
    assert address["errors"] == []
    assert address["checkout"]["shippingAddress"] == {
        "firstName": "Nguyễn Lan",
        "streetAddress1": "12 Tô Hiệu",
        "city": "Phường Tô Hiệu",
        "countryArea": "Sơn La",
        "country": {"code": "VN"},
    }
    api.data(DELIVERY, {"id": checkout_id, "method": STANDARD})
    done = api.data(COMPLETE, {"id": checkout_id}, user=shopper)["checkoutComplete"]
    assert done["errors"] == []
    assert done["confirmationNeeded"] is False
    order = done["order"]
    assert order["status"] == "UNCONFIRMED"
    assert order["paymentMethod"] == "cod"
    assert order["total"]["gross"]["amount"] == 3 * 185_000
    assert order["lines"] == [{"productName": "Cà phê Arabica", "quantity": 3}]
    assert products["coffee"].variants.get().stock.quantity == 47
    me = api.data("query { me { orders(first: 10) { totalCount edges { node { number } } } } }", user=shopper)
    assert me["me"]["orders"]["totalCount"] == 1
    assert me["me"]["orders"]["edges"][0]["node"]["number"] == order["number"]
    # Completing twice answers the same order (a client that lost the first answer retries): no second order.
    again = api.data(COMPLETE, {"id": checkout_id}, user=shopper)["checkoutComplete"]
    assert again == done
    assert Order.objects.count() == 1
    assert products["coffee"].variants.get().stock.quantity == 47


def test_guest_repeating_complete_gets_the_same_order_by_the_checkout_token_only(api, products):
    checkout_id = create(api)
    api.data(ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["tea"])})
    api.data(EMAIL, {"id": checkout_id, "email": "khach@example.vn"})
    api.data(ADDRESS, {"id": checkout_id})
    api.data(DELIVERY, {"id": checkout_id, "method": STANDARD})
    first = api.data(COMPLETE, {"id": checkout_id})["checkoutComplete"]
    assert first["errors"] == [] and first["order"]["lines"] == [
        {"productName": "Trà Shan tuyết", "quantity": 1}
    ]
    stock_after = products["tea"].variants.get().stock.quantity
    again = api.data(COMPLETE, {"id": checkout_id})["checkoutComplete"]
    assert again == first
    by_token = api.data(
        "mutation($token: UUID) { checkoutComplete(token: $token) { order { id } errors { code } } }",
        {"token": from_global_id(checkout_id)[1]},
    )["checkoutComplete"]
    assert by_token == {"order": {"id": first["order"]["id"]}, "errors": []}
    assert Order.objects.count() == 1
    assert products["tea"].variants.get().stock.quantity == stock_after
    # Another checkout token (one never completed, or made up) finds nothing.
    other = api.data(COMPLETE, {"id": to_global_id("Checkout", "8f9e6a52-0d51-4e55-9a47-3c54b36f1c11")})
    assert other["checkoutComplete"]["order"] is None
    assert other["checkoutComplete"]["errors"][0]["code"] == "NOT_FOUND"
    assert Order.objects.count() == 1


def test_completion_needs_details(api, products):
    checkout_id = create(api)
    api.data(ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["tea"])})
    done = api.data(COMPLETE, {"id": checkout_id})["checkoutComplete"]
    assert done["order"] is None
    assert done["errors"][0]["code"] == "EMAIL_NOT_SET"
    assert Order.objects.count() == 0


def test_hidden_product_cannot_be_added(api, products):
    ModerationFactory(product=products["tea"])
    checkout_id = create(api)
    data = api.data(
        """mutation($id: ID!, $v: ID!) { checkoutLinesAdd(id: $id, lines: [{quantity: 1, variantId: $v}]) {
            checkout { id } errors { field code } } }""",
        {"id": checkout_id, "v": variant_id(products["tea"])},
    )
    assert data["checkoutLinesAdd"] == {
        "checkout": None,
        "errors": [{"field": "variantId", "code": "PRODUCT_UNAVAILABLE_FOR_PURCHASE"}],
    }
    assert not CheckoutLine.objects.exists()


def test_product_hidden_after_adding_leaves_lines_and_totals(api, products):
    checkout_id = create(api)
    api.data(ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["coffee"])})
    api.data(ops.CHECKOUT_ADD_LINE, {"id": checkout_id, "productVariantId": variant_id(products["tea"])})
    ModerationFactory(product=products["tea"])
    query = """query($id: ID!) { checkout(id: $id) {
        lines { id variant { product { slug } } } quantity totalPrice { gross { amount } }
        unavailableLines { id quantity code message } } }"""
    data = api.data(query, {"id": checkout_id})["checkout"]
    assert [line["variant"]["product"]["slug"] for line in data["lines"]] == ["ca-phe"]
    assert data["quantity"] == 1
    assert data["totalPrice"]["gross"]["amount"] == 185_000
    assert len(data["unavailableLines"]) == 1
    assert data["unavailableLines"][0]["code"] == "PRODUCT_UNAVAILABLE_FOR_PURCHASE"
    tea_line = CheckoutLine.objects.get(variant__product=products["tea"])
    assert from_global_id(data["unavailableLines"][0]["id"]) == ("CheckoutLine", str(tea_line.pk))
    # The client can remove it by its line ID.
    deleted = api.data(
        ops.CHECKOUT_DELETE_LINES, {"checkoutId": checkout_id, "lineIds": [data["unavailableLines"][0]["id"]]}
    )
    assert deleted["checkoutLinesDelete"]["errors"] == []
    assert CheckoutLine.objects.count() == 1


def test_checkout_lookup_errors(api):
    assert api.data(
        "query($id: ID!) { checkout(id: $id) { id } }",
        {"id": to_global_id("Checkout", "2b0e5a6e-1f7c-4a0e-9d8e-0d4b7c1c2f3a")},
    ) == {"checkout": None}
    body = api("query($id: ID!) { checkout(id: $id) { id } }", {"id": to_global_id("Checkout", "nope")})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = api(
        "query($id: ID!) { checkout(id: $id) { id } }",
        {"id": to_global_id("Order", "2b0e5a6e-1f7c-4a0e-9d8e-0d4b7c1c2f3a")},
    )
    assert "Expected: Checkout, received: Order" in body["errors"][0]["message"]
    assert not Checkout.objects.exists()
