"""Payment gateways of a checkout and their settings, in the shapes the Saleor storefront reads them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from graphql_relay import to_global_id

from marketplace.checkout import services
from marketplace.checkout.models import Checkout
from tests.factories import ProducerFactory
from tests.factories.orders import buyable_variant

pytestmark = pytest.mark.django_db

GATEWAYS = """
fragment OurGateway on PaymentGateway { id name currencies config { field value } }
query Gateways($id: ID!) {
  checkout(id: $id) { availablePaymentGateways { ...OurGateway } chargeStatus authorizeStatus }
}
"""
INITIALIZE = """
mutation Init($checkoutId: ID!, $paymentGateways: [PaymentGatewayToInitialize!]) {
  paymentGatewayInitialize(id: $checkoutId, paymentGateways: $paymentGateways) {
    errors { field message code }
    gatewayConfigs { id data errors { field message code } }
  }
}
"""
COD = {
    "id": "ocop.payments.cod",
    "name": "Thanh toán khi nhận hàng (COD)",
    "currencies": ["VND"],
    "config": [],
}
VIETQR = {
    "id": "ocop.payments.vietqr",
    "name": "Chuyển khoản ngân hàng (VietQR)",
    "currencies": ["VND"],
    "config": [
        {"field": "bankBin", "value": "970436"},
        {"field": "accountNumber", "value": "0011000000000"},
        {"field": "accountName", "value": "CONG TY OCOP MARKETPLACE"},
    ],
}


@pytest.fixture(autouse=True)
def bank_account(settings):
    settings.VIETQR_BANK_BIN = "970436"
    settings.VIETQR_ACCOUNT_NUMBER = "0011000000000"
    settings.VIETQR_ACCOUNT_NAME = "CONG TY OCOP MARKETPLACE"


@pytest.fixture
def checkout_id():
    checkout = services.checkout_create(by=AnonymousUser())
    variant = buyable_variant(price=185_000, producer=ProducerFactory())
    services.checkout_lines_add(checkout=checkout, variant_id=variant.pk, by=AnonymousUser())
    return to_global_id("Checkout", str(checkout.token))


def test_gateways_without_stripe_keys(api, settings, checkout_id):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    assert api.data(GATEWAYS, {"id": checkout_id})["checkout"] == {
        "availablePaymentGateways": [COD, VIETQR],
        "chargeStatus": "NONE",
        "authorizeStatus": "NONE",
    }


def test_gateways_with_stripe_keys(api, settings, checkout_id):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_456"
    gateways = api.data(GATEWAYS, {"id": checkout_id})["checkout"]["availablePaymentGateways"]
    assert gateways == [
        COD,
        VIETQR,
        {
            "id": "saleor.app.payment.stripe",
            "name": "Thẻ ngân hàng / thẻ quốc tế (Stripe)",
            "currencies": ["VND"],
            "config": [{"field": "stripePublishableKey", "value": "pk_test_456"}],
        },
    ]
    payload = api.data(
        INITIALIZE, {"checkoutId": checkout_id, "paymentGateways": [{"id": "saleor.app.payment.stripe"}]}
    )["paymentGatewayInitialize"]
    assert payload == {
        "errors": [],
        "gatewayConfigs": [
            {"id": "saleor.app.payment.stripe", "data": {"stripePublishableKey": "pk_test_456"}, "errors": []}
        ],
    }


def test_an_empty_checkout_is_fully_charged(api):
    checkout = services.checkout_create(by=AnonymousUser())
    found = api.data(GATEWAYS, {"id": to_global_id("Checkout", str(checkout.token))})["checkout"]
    assert (found["chargeStatus"], found["authorizeStatus"]) == ("FULL", "FULL")


def test_initialize_every_gateway_and_unknown_ones(api, settings, checkout_id):
    settings.STRIPE_SECRET_KEY = ""
    everything = api.data(INITIALIZE, {"checkoutId": checkout_id})["paymentGatewayInitialize"]
    assert everything == {
        "errors": [],
        "gatewayConfigs": [
            {"id": "ocop.payments.cod", "data": None, "errors": []},
            {
                "id": "ocop.payments.vietqr",
                "data": {
                    "bankBin": "970436",
                    "accountNumber": "0011000000000",
                    "accountName": "CONG TY OCOP MARKETPLACE",
                },
                "errors": [],
            },
        ],
    }
    # Stripe without keys is not a gateway of this shop.
    unknown = api.data(
        INITIALIZE,
        {
            "checkoutId": checkout_id,
            "paymentGateways": [{"id": "saleor.app.payment.stripe", "data": {"x": 1}}],
        },
    )["paymentGatewayInitialize"]
    assert unknown["gatewayConfigs"] == [
        {
            "id": "saleor.app.payment.stripe",
            "data": None,
            "errors": [
                {
                    "field": "id",
                    "message": "Unknown payment gateway: saleor.app.payment.stripe.",
                    "code": "NOT_FOUND",
                }
            ],
        }
    ]
    too_many = api.data(
        INITIALIZE, {"checkoutId": checkout_id, "paymentGateways": [{"id": "ocop.payments.cod"}] * 11}
    )["paymentGatewayInitialize"]
    assert too_many == {
        "errors": [
            {"field": "paymentGateways", "message": "At most 10 gateways per call.", "code": "INVALID"}
        ],
        "gatewayConfigs": None,
    }


def test_initialize_needs_an_existing_checkout(api):
    missing = to_global_id("Checkout", "2b0e5a6e-1f7c-4a0e-9d8e-0d4b7c1c2f3a")
    payload = api.data(INITIALIZE, {"checkoutId": missing})["paymentGatewayInitialize"]
    assert payload["gatewayConfigs"] is None
    assert [(error["field"], error["code"]) for error in payload["errors"]] == [("id", "NOT_FOUND")]
    assert not Checkout.objects.exists()


def test_order_charge_and_authorize_status_follow_the_payment(api):
    from marketplace.orders.services import order_payment_received
    from marketplace.producers.policies import SYSTEM_WEBHOOK
    from tests.factories import UserFactory
    from tests.factories.orders import place_order

    shopper = UserFactory()
    order = place_order((buyable_variant(price=185_000, producer=ProducerFactory()), 1), user=shopper)
    query = "query { me { orders(first: 5) { edges { node { isPaid chargeStatus authorizeStatus } } } } }"

    def statuses() -> dict:
        return api.data(query, user=shopper)["me"]["orders"]["edges"][0]["node"]

    assert statuses() == {"isPaid": False, "chargeStatus": "NONE", "authorizeStatus": "NONE"}
    order_payment_received(order=order, by=SYSTEM_WEBHOOK)
    assert statuses() == {"isPaid": True, "chargeStatus": "FULL", "authorizeStatus": "FULL"}
