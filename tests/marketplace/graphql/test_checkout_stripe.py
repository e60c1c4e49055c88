"""Stripe through Saleor's transactions API against localstripe, with operations of our own in the shapes
Saleor's storefront sends (paymentGatewaysInitialize, transactionInitialize, transactionProcess,
checkoutComplete; its Stripe component reads data.stripePublishableKey and
data.paymentIntent.stripeClientSecret)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from graphql_relay import to_global_id

from marketplace.checkout.models import Checkout
from marketplace.money.models import LedgerEntry, LedgerKind
from marketplace.orders.models import Order, OrderStatus, PaymentState
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payments.services import stripe_client
from tests.factories.discounts import VoucherFactory
from tests.factories.orders import buyable_variant, filled_checkout
from tests.stripe_helpers import (  # noqa: F401 - fixtures
    _localstripe_server,
    deliver_stripe_event,
    localstripe,
    pay_with_test_card,
)

pytestmark = pytest.mark.django_db
STRIPE = "saleor.app.payment.stripe"

GATEWAYS = """mutation paymentGatewaysInitialize($checkoutId: ID!,
  $paymentGateways: [PaymentGatewayToInitialize!]) {
  paymentGatewayInitialize(id: $checkoutId, paymentGateways: $paymentGateways) {
    errors { field message code } gatewayConfigs { id data errors { field message code } }
  }
}"""
INITIALIZE = """mutation transactionInitialize($checkoutId: ID!, $action: TransactionFlowStrategyEnum,
  $paymentGateway: PaymentGatewayToInitialize!, $amount: PositiveDecimal) {
  transactionInitialize(id: $checkoutId, action: $action, paymentGateway: $paymentGateway, amount: $amount) {
    transaction { id actions } transactionEvent { message type } data errors { field code message }
  }
}"""
PROCESS = """mutation transactionProcess($id: ID!, $data: JSON) {
  transactionProcess(id: $id, data: $data) {
    transaction { id actions } transactionEvent { message type } data errors { field code message }
  }
}"""
STATUS = (
    "query($id: ID!) { checkout(id: $id) { chargeStatus authorizeStatus totalPrice { gross { amount } } } }"
)
COMPLETE = """mutation($id: ID!) { checkoutComplete(id: $id) {
  errors { field code message }
  order { id chargeStatus authorizeStatus isPaid total { gross { amount } }
    transactions { id name pspReference chargedAmount { amount currency } } }
} }"""


def gid(checkout) -> str:
    return to_global_id("Checkout", str(checkout.token))


def _initialize(api, checkout) -> dict:
    variables = {
        "checkoutId": gid(checkout),
        "amount": 555_000,
        "paymentGateway": {"id": STRIPE, "data": {"paymentIntent": {"paymentMethod": "card"}}},
    }
    return api.data(INITIALIZE, variables)["transactionInitialize"]


def test_a_card_payment_through_the_transactions_api_pays_the_order(api, localstripe):  # noqa: F811
    checkout = filled_checkout((buyable_variant(price=185_000), 3))
    gateways = api.data(GATEWAYS, {"checkoutId": gid(checkout), "paymentGateways": [{"id": STRIPE}]})
    assert gateways["paymentGatewayInitialize"] == {
        "errors": [],
        "gatewayConfigs": [
            {"id": STRIPE, "data": {"stripePublishableKey": "pk_test_localstripe"}, "errors": []}
        ],
    }

    started = _initialize(api, checkout)
    assert started["errors"] == []
    payment = Payment.objects.get()
    assert (payment.order_id, payment.checkout_token, payment.amount) == (None, checkout.token, 555_000)
    transaction_id = to_global_id("TransactionItem", str(checkout.token))
    assert started["transaction"] == {"id": transaction_id, "actions": []}
    assert started["transactionEvent"]["type"] == "CHARGE_ACTION_REQUIRED"
    assert started["data"] == {
        "paymentMethod": "card",
        "paymentIntent": {"stripeClientSecret": payment.stripe_client_secret},
        "stripePublishableKey": "pk_test_localstripe",
    }
    assert payment.stripe_client_secret.startswith(payment.stripe_payment_intent_id)
    # A retried initialize returns the same intent.
    assert _initialize(api, checkout)["data"] == started["data"]
    assert Payment.objects.count() == 1
    intent = stripe_client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == (555_000, "vnd")
    assert api.data(STATUS, {"id": gid(checkout)})["checkout"]["chargeStatus"] == "NONE"

    # What Stripe.js does in the browser, then the storefront's transactionProcess.
    assert pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id).status == "succeeded"
    processed = api.data(PROCESS, {"id": transaction_id})["transactionProcess"]
    assert processed["errors"] == []
    assert processed["transactionEvent"] == {"message": "Đã thanh toán.", "type": "CHARGE_SUCCESS"}
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    status = api.data(STATUS, {"id": gid(checkout)})["checkout"]
    assert (status["chargeStatus"], status["authorizeStatus"]) == ("FULL", "FULL")

    done = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert done["errors"] == []
    order = done["order"]
    assert (order["chargeStatus"], order["authorizeStatus"], order["isPaid"]) == ("FULL", "FULL", True)
    assert order["transactions"] == [
        {
            "id": transaction_id,
            "name": "card",
            "pspReference": payment.stripe_payment_intent_id,
            "chargedAmount": {"amount": 555_000.0, "currency": "VND"},
        }
    ]
    placed = Order.objects.get()
    assert (placed.status, placed.payment_state) == (OrderStatus.CONFIRMED, PaymentState.PAID)
    assert Payment.objects.get().order_id == placed.pk
    assert LedgerEntry.objects.filter(kind=LedgerKind.SALE).count() == 1


def test_the_signed_webhook_arriving_after_checkout_complete_pays_the_order(api, client, localstripe):  # noqa: F811
    checkout = filled_checkout((buyable_variant(price=185_000), 3))
    _initialize(api, checkout)
    done = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert done["order"]["chargeStatus"] == "NONE"
    payment = Payment.objects.get()
    assert payment.order_id == Order.objects.get().pk  # the checkout's payment became the order's
    confirmed = pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    response = deliver_stripe_event(
        client, "payment_intent.succeeded", confirmed.to_dict(), event_id="evt_saleor_1"
    )
    assert response.status_code == 200
    assert Order.objects.get().payment_state == PaymentState.PAID


def test_the_webhook_before_completion_makes_the_order_paid(api, client, localstripe):  # noqa: F811
    checkout = filled_checkout((buyable_variant(price=185_000), 3))
    _initialize(api, checkout)
    payment = Payment.objects.get()
    confirmed = pay_with_test_card(stripe_client(), payment.stripe_payment_intent_id)
    deliver_stripe_event(client, "payment_intent.succeeded", confirmed.to_dict(), event_id="evt_saleor_2")
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED and Order.objects.count() == 0
    done = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert done["order"]["isPaid"] is True


def test_money_taken_for_another_total_refuses_the_order(api, localstripe):  # noqa: F811
    variant = buyable_variant(price=185_000)
    checkout = filled_checkout((variant, 3))
    _initialize(api, checkout)
    pay_with_test_card(stripe_client(), Payment.objects.get().stripe_payment_intent_id)
    api.data(PROCESS, {"id": to_global_id("TransactionItem", str(checkout.token))})
    VoucherFactory(code="GIAM10")
    Checkout.objects.filter(pk=checkout.pk).update(voucher_code="GIAM10")  # the total changes after paying
    assert api.data(STATUS, {"id": gid(checkout)})["checkout"]["chargeStatus"] == "OVERCHARGED"
    done = api.data(COMPLETE, {"id": gid(checkout)})["checkoutComplete"]
    assert done["order"] is None
    assert [error["code"] for error in done["errors"]] == ["CHECKOUT_NOT_FULLY_PAID"]
    assert Order.objects.count() == 0 and Payment.objects.get().order_id is None


def test_stripe_unconfigured_is_not_offered(api):
    checkout = filled_checkout((buyable_variant(), 1))
    started = _initialize(api, checkout)
    assert started["errors"] == [
        {"field": "paymentGateway", "code": "NOT_FOUND", "message": "Unknown payment gateway."}
    ]
    assert Payment.objects.count() == 0
    assert AnonymousUser() is not None
