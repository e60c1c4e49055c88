"""Delivery, billing address, problems and line deletion through the API, with operations of our own in
the shapes the Saleor storefront sends (its CheckoutFragment's delivery, address and problem fields)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from marketplace.catalog.models import Stock
from marketplace.checkout import services
from marketplace.checkout.models import Checkout, CheckoutLine
from marketplace.orders.models import Order
from tests.factories import ProducerFactory
from tests.factories.orders import buyable_variant

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]

STANDARD = to_global_id("ShippingMethod", "standard")

CHECKOUT_FIELDS = """
fragment OurAddress on Address {
  id city phone postalCode companyName cityArea streetAddress1 streetAddress2 countryArea
  country { country code } firstName lastName
}
fragment OurCheckout on Checkout {
  id
  email
  shippingAddress { ...OurAddress }
  billingAddress { ...OurAddress }
  isShippingRequired
  deliveryMethod { ... on ShippingMethod { id } ... on Warehouse { id } }
  shippingMethods { id name price { amount currency } maximumDeliveryDays minimumDeliveryDays }
  delivery { id shippingMethod { id name } }
  problems {
    ... on CheckoutProblemDeliveryMethodStale { __typename }
    ... on CheckoutProblemDeliveryMethodInvalid { __typename }
    ... on CheckoutLineProblemInsufficientStock { availableQuantity line { id quantity } variant { id } }
  }
  totalPrice { gross { amount currency } tax { amount } }
  shippingPrice { gross { amount } }
  subtotalPrice { gross { amount } }
  lines { id quantity }
}
"""
FIND = "query Find($id: ID!) { checkout(id: $id) { ...OurCheckout } }" + CHECKOUT_FIELDS
CHOOSE = (
    """mutation Choose($checkoutId: ID!, $deliveryMethodId: ID!) {
  checkoutDeliveryMethodUpdate(id: $checkoutId, deliveryMethodId: $deliveryMethodId) {
    errors { message field code }
    checkout { ...OurCheckout }
  }
}"""
    + CHECKOUT_FIELDS
)
CHOOSE_OLD = """mutation($id: ID!, $m: ID) {
  checkoutShippingMethodUpdate(id: $id, shippingMethodId: $m) {
    errors { field code } checkout { availableShippingMethods { id } shippingMethod { id name } }
  }
}"""
BILLING = (
    """mutation Billing($checkoutId: ID!, $billingAddress: AddressInput!, $saveAddress: Boolean,
  $validationRules: CheckoutAddressValidationRules) {
  checkoutBillingAddressUpdate(id: $checkoutId, billingAddress: $billingAddress, saveAddress: $saveAddress,
      validationRules: $validationRules) {
    errors { message field code }
    checkout { ...OurCheckout }
  }
}"""
    + CHECKOUT_FIELDS
)
LINE_DELETE = (
    """mutation LineDelete($checkoutId: ID!, $lineId: ID) {
  checkoutLineDelete(id: $checkoutId, lineId: $lineId) {
    errors { message field code }
    checkout { ...OurCheckout }
  }
}"""
    + CHECKOUT_FIELDS
)
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) {
  order { total { gross { amount } } shippingPrice { gross { amount } } } errors { field code } } }"""

NOTHING = {"amount": 0.0}


def gid(checkout) -> str:
    return to_global_id("Checkout", str(checkout.token))


@pytest.fixture
def cart():
    """A guest's cart with coffee ×2 (370.000 ₫) and tea ×1 (250.000 ₫) from two producers."""
    coffee = buyable_variant(name="Cà phê Arabica", slug="ca-phe", price=185_000, producer=ProducerFactory())
    tea = buyable_variant(name="Trà Shan tuyết", slug="tra", price=250_000, producer=ProducerFactory())
    checkout = services.checkout_create(by=AnonymousUser())
    services.checkout_lines_add(checkout=checkout, variant_id=coffee.pk, quantity=2, by=AnonymousUser())
    services.checkout_lines_add(checkout=checkout, variant_id=tea.pk, quantity=1, by=AnonymousUser())
    return checkout, coffee, tea


def test_totals_leave_shipping_out_until_a_delivery_method_is_chosen(api, cart):
    checkout, _coffee, _tea = cart
    found = api.data(FIND, {"id": gid(checkout)})["checkout"]
    assert found["email"] is None  # unset, not ""
    assert found["billingAddress"] is None and found["shippingAddress"] is None
    assert found["isShippingRequired"] is True
    assert found["deliveryMethod"] is None and found["delivery"] is None
    assert found["shippingMethods"] == [
        {
            "id": STANDARD,
            "name": "Giao hàng tiêu chuẩn",
            # Each producer part under the free-shipping threshold pays the flat 30.000 ₫.
            "price": {"amount": 60_000.0, "currency": "VND"},
            "maximumDeliveryDays": 6,
            "minimumDeliveryDays": 2,
        }
    ]
    assert found["subtotalPrice"]["gross"] == {"amount": 620_000.0}
    assert found["shippingPrice"]["gross"] == NOTHING
    assert found["totalPrice"] == {"gross": {"amount": 620_000.0, "currency": "VND"}, "tax": NOTHING}
    assert found["problems"] == []

    chosen = api.data(CHOOSE, {"checkoutId": gid(checkout), "deliveryMethodId": STANDARD})
    payload = chosen["checkoutDeliveryMethodUpdate"]
    assert payload["errors"] == []
    result = payload["checkout"]
    assert result["deliveryMethod"] == {"id": STANDARD}
    assert result["delivery"] == {
        "id": to_global_id("Delivery", f"{checkout.token}:standard"),
        "shippingMethod": {"id": STANDARD, "name": "Giao hàng tiêu chuẩn"},
    }
    assert result["shippingPrice"]["gross"] == {"amount": 60_000.0}
    assert result["totalPrice"]["gross"] == {"amount": 680_000.0, "currency": "VND"}
    assert Checkout.objects.get().delivery_method == "standard"


def test_the_older_shipping_method_names(api, cart):
    checkout, _coffee, _tea = cart
    payload = api.data(CHOOSE_OLD, {"id": gid(checkout), "m": STANDARD})["checkoutShippingMethodUpdate"]
    assert payload == {
        "errors": [],
        "checkout": {
            "availableShippingMethods": [{"id": STANDARD}],
            "shippingMethod": {"id": STANDARD, "name": "Giao hàng tiêu chuẩn"},
        },
    }


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (
            to_global_id("ShippingMethod", "express"),
            [{"field": "shippingMethodId", "code": "DELIVERY_METHOD_NOT_APPLICABLE"}],
        ),
        (to_global_id("Warehouse", "1"), [{"field": "shippingMethodId", "code": "GRAPHQL_ERROR"}]),
        ("not-an-id", [{"field": "shippingMethodId", "code": "GRAPHQL_ERROR"}]),
        (None, [{"field": "shippingMethodId", "code": "REQUIRED"}]),
    ],
)
def test_unknown_delivery_methods_are_refused(api, cart, method, expected):
    checkout, _coffee, _tea = cart
    payload = api.data(CHOOSE_OLD, {"id": gid(checkout), "m": method})["checkoutShippingMethodUpdate"]
    assert payload == {"errors": expected, "checkout": None}
    assert Checkout.objects.get().delivery_method == ""


def test_an_empty_checkout_has_no_delivery_method_to_choose(api):
    checkout = services.checkout_create(by=AnonymousUser())
    assert api.data(FIND, {"id": gid(checkout)})["checkout"]["shippingMethods"] == []
    payload = api.data(CHOOSE, {"checkoutId": gid(checkout), "deliveryMethodId": STANDARD})
    assert payload["checkoutDeliveryMethodUpdate"]["errors"] == [
        {"message": "Giỏ hàng đang trống.", "field": "lines", "code": "EMPTY"}
    ]
    assert Checkout.objects.get().delivery_method == ""


def test_completion_needs_a_delivery_method_and_charges_what_was_shown(api, cart):
    checkout, coffee, _tea = cart
    services.checkout_email_update(checkout=checkout, email="khach@example.vn", by=AnonymousUser())
    services.checkout_shipping_address_update(
        checkout=checkout,
        full_name="Nguyễn Lan",
        phone="0912345678",
        province="son-la",
        commune="Phường Tô Hiệu",
        street="12 Tô Hiệu",
        by=AnonymousUser(),
    )
    refused = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert refused == {
        "order": None,
        "errors": [{"field": "deliveryMethodId", "code": "SHIPPING_METHOD_NOT_SET"}],
    }
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=coffee).quantity == 10
    shown = api.data(CHOOSE, {"checkoutId": gid(checkout), "deliveryMethodId": STANDARD})
    total = shown["checkoutDeliveryMethodUpdate"]["checkout"]["totalPrice"]["gross"]["amount"]
    done = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert done == {
        "order": {"total": {"gross": {"amount": total}}, "shippingPrice": {"gross": {"amount": 60_000.0}}},
        "errors": [],
    }


BILLING_ADDRESS = {
    "firstName": "Công ty",
    "lastName": "Trà Việt",
    "streetAddress1": "5 Lê Lợi",
    "city": "Phường Hạc Thành",
    "countryArea": "Thanh Hóa",
    "country": "VN",
    "phone": "0987654321",
}


def test_billing_address(api, cart):
    checkout, _coffee, _tea = cart
    payload = api.data(
        BILLING,
        {
            "checkoutId": gid(checkout),
            "billingAddress": BILLING_ADDRESS,
            "saveAddress": False,
            "validationRules": {"checkRequiredFields": True},
        },
    )["checkoutBillingAddressUpdate"]
    assert payload["errors"] == []
    assert payload["checkout"]["billingAddress"] == {
        "id": to_global_id("Address", f"Checkout:{checkout.token}:billing"),
        "city": "Phường Hạc Thành",
        "phone": "0987654321",
        "postalCode": "",
        "companyName": "",
        "cityArea": "",
        "streetAddress1": "5 Lê Lợi",
        "streetAddress2": "",
        "countryArea": "Thanh Hóa",
        "country": {"country": "Viet Nam", "code": "VN"},
        "firstName": "Công ty Trà Việt",
        "lastName": "",
    }
    assert payload["checkout"]["shippingAddress"] is None  # billing is its own address
    saved = Checkout.objects.get()
    assert (saved.billing_full_name, saved.billing_province, saved.full_name) == (
        "Công ty Trà Việt",
        "thanh-hoa",
        "",
    )


def test_billing_address_refusals_change_nothing(api, cart):
    checkout, _coffee, _tea = cart
    payload = api.data(
        BILLING,
        {
            "checkoutId": gid(checkout),
            "billingAddress": {**BILLING_ADDRESS, "countryArea": "Atlantis", "phone": "1"},
        },
    )["checkoutBillingAddressUpdate"]
    assert payload["checkout"] is None
    assert sorted((error["field"], error["code"]) for error in payload["errors"]) == [
        ("countryArea", "INVALID"),
        ("phone", "INVALID"),
    ]
    assert Checkout.objects.get().billing_full_name == ""


def test_checkout_line_delete(api, cart):
    checkout, coffee, _tea = cart
    coffee_line = CheckoutLine.objects.get(variant=coffee)
    payload = api.data(
        LINE_DELETE, {"checkoutId": gid(checkout), "lineId": to_global_id("CheckoutLine", coffee_line.pk)}
    )["checkoutLineDelete"]
    assert payload["errors"] == []
    assert [line["quantity"] for line in payload["checkout"]["lines"]] == [1]
    assert payload["checkout"]["subtotalPrice"]["gross"] == {"amount": 250_000.0}
    again = api.data(
        LINE_DELETE, {"checkoutId": gid(checkout), "lineId": to_global_id("CheckoutLine", coffee_line.pk)}
    )["checkoutLineDelete"]
    assert again == {
        "errors": [
            {"message": "Không tìm thấy dòng trong giỏ hàng.", "field": "lineId", "code": "NOT_FOUND"}
        ],
        "checkout": None,
    }
    missing = api.data(LINE_DELETE, {"checkoutId": gid(checkout), "lineId": None})["checkoutLineDelete"]
    assert missing["errors"] == [
        {"message": "This field is required.", "field": "lineId", "code": "REQUIRED"}
    ]
    assert CheckoutLine.objects.count() == 1


def test_problems_name_lines_short_of_stock(api, cart):
    checkout, coffee, _tea = cart
    Stock.objects.filter(variant=coffee).update(quantity=1)
    found = api.data(FIND, {"id": gid(checkout)})["checkout"]
    coffee_line = to_global_id("CheckoutLine", CheckoutLine.objects.get(variant=coffee).pk)
    assert found["problems"] == [
        {
            "availableQuantity": 1,
            "line": {"id": coffee_line, "quantity": 2},
            "variant": {"id": to_global_id("ProductVariant", coffee.pk)},
        }
    ]


def test_checkout_delivery_fields_run_constant_queries(api):
    checkout = services.checkout_create(by=AnonymousUser())

    def add_line() -> None:
        variant = buyable_variant(price=100_000, producer=ProducerFactory())
        Stock.objects.filter(variant=variant).update(quantity=1)
        services.checkout_lines_add(checkout=checkout, variant_id=variant.pk, by=AnonymousUser())
        CheckoutLine.objects.filter(variant=variant).update(quantity=3)  # short of stock: a problem

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = api.data(FIND, {"id": gid(checkout)})["checkout"]
        assert len(found["problems"]) == len(found["lines"])
        return len(queries)

    add_line()
    services.checkout_delivery_method_update(
        checkout=checkout, delivery_method="standard", by=AnonymousUser()
    )
    one = count()
    for _ in range(4):
        add_line()
    assert count() == one


RULES = """
fragment OurRules on AddressValidationData {
  addressFormat allowedFields requiredFields countryAreaType postalCodeType cityType
  countryAreaChoices { raw verbose }
}
query Rules($countryCode: CountryCode!) { addressValidationRules(countryCode: $countryCode) { ...OurRules } }
"""


def test_address_validation_rules_for_viet_nam(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        rules = api.data(RULES, {"countryCode": "VN"})["addressValidationRules"]
    choices = rules.pop("countryAreaChoices")
    assert rules == {
        "addressFormat": "%N%n%O%n%A%n%C%n%S",
        "allowedFields": [
            "firstName",
            "lastName",
            "companyName",
            "streetAddress1",
            "streetAddress2",
            "city",
            "countryArea",
            "phone",
        ],
        "requiredFields": ["firstName", "streetAddress1", "city", "countryArea", "phone"],
        "countryAreaType": "province",
        "postalCodeType": "postal",
        "cityType": "city",
    }
    assert len(choices) == 34
    assert choices[0] == {"raw": "Hà Nội", "verbose": "Thành phố Hà Nội"}
    assert {"raw": "Sơn La", "verbose": "Tỉnh Sơn La"} in choices
    assert api.data(RULES, {"countryCode": "FR"}) == {"addressValidationRules": None}


def test_every_province_choice_is_accepted_as_a_delivery_address(api, cart):
    """The choices are what checkoutShippingAddressUpdate accepts as countryArea: each one of them."""
    checkout, _coffee, _tea = cart
    choices = api.data(RULES, {"countryCode": "VN"})["addressValidationRules"]["countryAreaChoices"]
    for choice in choices:
        payload = api.data(
            BILLING,
            {
                "checkoutId": gid(checkout),
                "billingAddress": {**BILLING_ADDRESS, "countryArea": choice["raw"]},
            },
        )["checkoutBillingAddressUpdate"]
        assert payload["errors"] == [], choice
        assert payload["checkout"]["billingAddress"]["countryArea"] == choice["raw"]


CALCULATE = """mutation deliveryOptionsCalculate($id: ID!) {
  deliveryOptionsCalculate(id: $id) {
    deliveries {
      id
      shippingMethod { id name active price { amount currency } minimumDeliveryDays maximumDeliveryDays }
    }
    errors { field message code }
  }
}"""


def test_delivery_options_calculate_prices_the_one_delivery_and_changes_nothing(api, cart):
    checkout, _coffee, _tea = cart
    body = api.data(CALCULATE, {"id": gid(checkout)})["deliveryOptionsCalculate"]
    assert body == {
        "deliveries": [
            {
                "id": to_global_id("Delivery", f"{checkout.token}:standard"),
                "shippingMethod": {
                    "id": STANDARD,
                    "name": "Giao hàng tiêu chuẩn",
                    "active": True,
                    "price": {"amount": 60_000.0, "currency": "VND"},
                    "minimumDeliveryDays": 2,
                    "maximumDeliveryDays": 6,
                },
            }
        ],
        "errors": [],
    }
    assert Checkout.objects.get().delivery_method == ""
    empty = services.checkout_create(by=AnonymousUser())
    assert api.data(CALCULATE, {"id": gid(empty)})["deliveryOptionsCalculate"] == {
        "deliveries": [],
        "errors": [],
    }
    unknown = to_global_id("Checkout", "00000000-0000-0000-0000-000000000000")
    assert api.data(CALCULATE, {"id": unknown})["deliveryOptionsCalculate"] == {
        "deliveries": [],
        "errors": [{"field": "id", "message": f"Couldn't resolve to a node: {unknown}", "code": "NOT_FOUND"}],
    }


def test_line_undiscounted_prices_are_money_as_saleor(api, cart):
    checkout, _coffee, _tea = cart
    query = """query($id: ID!) { checkout(id: $id) { lines {
      quantity undiscountedUnitPrice { amount currency } undiscountedTotalPrice { amount currency } } } }"""
    lines = api.data(query, {"id": gid(checkout)})["checkout"]["lines"]
    assert sorted(
        (line["undiscountedUnitPrice"]["amount"], line["undiscountedTotalPrice"]["amount"]) for line in lines
    ) == [
        (185_000.0, 370_000.0),
        (250_000.0, 250_000.0),
    ]
    assert {line["undiscountedUnitPrice"]["currency"] for line in lines} == {"VND"}
