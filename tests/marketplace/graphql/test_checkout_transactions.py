"""transactionInitialize / transactionProcess for cash on delivery and VietQR, in the storefront's shapes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from graphql_relay import to_global_id

from marketplace.checkout import services
from marketplace.checkout.models import Checkout
from marketplace.orders.models import Order
from marketplace.payments.vietqr import vietqr_payload_for_order
from tests.factories import ProducerFactory
from tests.factories.orders import ADDRESS, buyable_variant

# Sums in these tests assume a flat 30.000 ₫ per producer part (see the flat_shipping fixture).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flat_shipping")]

INITIALIZE = """
mutation Init($checkoutId: ID!, $action: TransactionFlowStrategyEnum,
    $paymentGateway: PaymentGatewayToInitialize!, $amount: PositiveDecimal) {
  transactionInitialize(id: $checkoutId, action: $action, paymentGateway: $paymentGateway, amount: $amount) {
    transaction { id actions }
    transactionEvent { message type }
    data
    errors { field code message }
  }
}
"""
PROCESS = """
mutation Process($id: ID!, $data: JSON) {
  transactionProcess(id: $id, data: $data) {
    transaction { id actions }
    transactionEvent { message type }
    data
    errors { field code message }
  }
}
"""
COMPLETE = "mutation($id: ID!) { checkoutComplete(id: $id) { order { number } errors { code } } }"
BANK = {"bankBin": "970436", "accountNumber": "0011000000000", "accountName": "CONG TY OCOP MARKETPLACE"}


@pytest.fixture(autouse=True)
def bank_account(settings):
    settings.VIETQR_BANK_BIN = BANK["bankBin"]
    settings.VIETQR_ACCOUNT_NUMBER = BANK["accountNumber"]
    settings.VIETQR_ACCOUNT_NAME = BANK["accountName"]
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def checkout():
    """One coffee (185.000 ₫), address given, delivery chosen: 185.000 + 30.000 ₫ shipping."""
    checkout = services.checkout_create(email=ADDRESS["email"], by=AnonymousUser())
    variant = buyable_variant(price=185_000, producer=ProducerFactory())
    services.checkout_lines_add(checkout=checkout, variant_id=variant.pk, by=AnonymousUser())
    services.checkout_shipping_address_update(
        checkout=checkout, **{k: v for k, v in ADDRESS.items() if k != "email"}, by=AnonymousUser()
    )
    services.checkout_delivery_method_update(
        checkout=checkout, delivery_method="standard", by=AnonymousUser()
    )
    return checkout


def ids(checkout) -> tuple[str, str]:
    token = str(checkout.token)
    return to_global_id("Checkout", token), to_global_id("TransactionItem", token)


def test_vietqr_transfer_then_its_qr_once_ordered(api, checkout):
    checkout_id, transaction_id = ids(checkout)
    started = api.data(
        INITIALIZE,
        {
            "checkoutId": checkout_id,
            "action": "CHARGE",
            "paymentGateway": {"id": "ocop.payments.vietqr"},
            "amount": 1,
        },
    )["transactionInitialize"]
    assert started == {
        "transaction": {"id": transaction_id, "actions": []},
        "transactionEvent": {
            "message": "Chuyển khoản theo mã VietQR; mã có số đơn hàng sau khi đặt hàng.",
            "type": "CHARGE_ACTION_REQUIRED",
        },
        "data": {"paymentMethod": "bank_transfer", **BANK, "amount": 215_000},
        "errors": [],
    }
    assert Checkout.objects.get().payment_method == "bank_transfer"
    before = api.data(PROCESS, {"id": transaction_id})["transactionProcess"]
    assert before["data"] == started["data"] and before["errors"] == []

    number = api.data(COMPLETE, {"id": checkout_id})["checkoutComplete"]["order"]["number"]
    order = Order.objects.get(number=number)
    assert (order.payment_method, order.total_amount) == ("bank_transfer", 215_000)
    after = api.data(PROCESS, {"id": transaction_id, "data": {"ignored": True}})["transactionProcess"]
    assert after == {
        "transaction": {"id": transaction_id, "actions": []},
        "transactionEvent": started["transactionEvent"],
        "data": {
            "paymentMethod": "bank_transfer",
            "qrPayload": vietqr_payload_for_order(order),
            "reference": f"OCOP {number}",
            **BANK,
            "amount": 215_000,
        },
        "errors": [],
    }
    assert f"OCOP {number}" in after["data"]["qrPayload"] and "5406215000" in after["data"]["qrPayload"]


def test_cash_on_delivery(api, checkout):
    checkout_id, transaction_id = ids(checkout)
    services.checkout_payment_method_update(
        checkout=checkout, payment_method="bank_transfer", by=AnonymousUser()
    )
    started = api.data(INITIALIZE, {"checkoutId": checkout_id, "paymentGateway": {"id": "ocop.payments.cod"}})
    assert started["transactionInitialize"] == {
        "transaction": {"id": transaction_id, "actions": []},
        "transactionEvent": {"message": "Thanh toán tiền mặt khi nhận hàng.", "type": "INFO"},
        "data": {"paymentMethod": "cod"},
        "errors": [],
    }
    api.data(COMPLETE, {"id": checkout_id})
    assert Order.objects.get().payment_method == "cod"
    processed = api.data(PROCESS, {"id": transaction_id})["transactionProcess"]
    assert processed["data"] == {"paymentMethod": "cod"} and processed["transactionEvent"]["type"] == "INFO"


@pytest.mark.parametrize(
    ("gateway", "error"),
    [
        (
            "saleor.app.payment.stripe",
            {"field": "paymentGateway", "code": "NOT_FOUND", "message": "Unknown payment gateway."},
        ),
        (
            "mirumee.payments.dummy",
            {"field": "paymentGateway", "code": "NOT_FOUND", "message": "Unknown payment gateway."},
        ),
    ],
)
def test_unknown_gateways_change_nothing(api, checkout, gateway, error):
    checkout_id, _transaction_id = ids(checkout)
    payload = api.data(INITIALIZE, {"checkoutId": checkout_id, "paymentGateway": {"id": gateway}})
    assert payload["transactionInitialize"] == {
        "transaction": None,
        "transactionEvent": None,
        "data": None,
        "errors": [error],
    }
    assert Checkout.objects.get().payment_method == "cod"


def test_process_unknown_transactions(api):
    missing = to_global_id("TransactionItem", "2b0e5a6e-1f7c-4a0e-9d8e-0d4b7c1c2f3a")
    assert api.data(PROCESS, {"id": missing})["transactionProcess"]["errors"][0]["code"] == "NOT_FOUND"
    wrong = to_global_id("Checkout", "2b0e5a6e-1f7c-4a0e-9d8e-0d4b7c1c2f3a")
    assert api.data(PROCESS, {"id": wrong})["transactionProcess"]["errors"][0]["code"] == "GRAPHQL_ERROR"
