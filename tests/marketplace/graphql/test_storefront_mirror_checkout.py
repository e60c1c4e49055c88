"""The Saleor storefront's checkout operations (both reference commits, read from the local mirror when it
exists) against our schema: the parts of Saleor's checkout we serve must no longer be what fails them."""

import pytest

from marketplace.graphql.api import schema
from tests.marketplace.graphql.storefront_mirror import (
    COMMITS,
    MIRROR,
    available,
    in_checkout_area,
    operations,
)

pytestmark = pytest.mark.skipif(
    not available(),
    reason=f"The Saleor storefront mirror ({MIRROR}) is not on this machine (it lives outside the "
    "repository; CI has none): the storefront's own operations are not validated here.",
)

# Names the checkout now serves: no storefront operation may fail on them any more.
SERVED = [
    "email",
    "shippingMethods",
    "availableShippingMethods",
    "deliveryMethod",
    "shippingMethod",
    "delivery",
    "problems",
    "billingAddress",
    "isShippingRequired",
    "checkoutDeliveryMethodUpdate",
    "checkoutShippingMethodUpdate",
    "checkoutBillingAddressUpdate",
    "checkoutLineDelete",
    "addressValidationRules",
    "Warehouse",
    "ShippingMethod",
    "CheckoutProblemDeliveryMethodStale",
    "CheckoutProblemDeliveryMethodInvalid",
    "CheckoutAddressValidationRules",
    "CountryCode",
    "AddressValidationData",
    "availablePaymentGateways",
    "chargeStatus",
    "authorizeStatus",
    "paymentGatewayInitialize",
    "PaymentGatewayToInitialize",
    "transactionInitialize",
    "transactionProcess",
    "TransactionFlowStrategyEnum",
    "PositiveDecimal",
    "JSON",
    "voucherCode",
    "discount",
    "discountName",
    "translatedDiscountName",
    "discounts",
    "voucher",
    "giftCards",
    "GiftCard",
    "undiscountedUnitPrice",
    "checkoutAddPromoCode",
    "checkoutRemovePromoCode",
]
# Operations that validate whole already (the rest also select fields of areas still to come).
VALID = {
    "363dda20": {
        "addressValidationRules",
        "checkoutComplete",
        "CheckoutAddLine",
        "CheckoutCreate",
        "CheckoutFind",
    },
    "60fea090": {
        "paymentGatewaysInitialize",
        "transactionInitialize",
        "transactionProcess",
        "addressValidationRules",
        "CheckoutAddLine",
        "CheckoutDeleteLines",
        "CheckoutLinesUpdate",
    },
}


@pytest.fixture(scope="module")
def checkout_operations():
    return {
        commit: [op for op in operations(schema.graphql_schema, commit) if in_checkout_area(op)]
        for commit in COMMITS
    }


@pytest.mark.parametrize("commit", COMMITS)
def test_served_checkout_fields_no_longer_fail_storefront_operations(checkout_operations, commit):
    failures = [
        (op.path, op.name, error.message)
        for op in checkout_operations[commit]
        for error in op.errors
        if any(f"'{name}'" in error.message for name in SERVED)
    ]
    assert failures == []


@pytest.mark.parametrize("commit", COMMITS)
def test_storefront_checkout_operations_that_validate(checkout_operations, commit):
    valid = {op.name for op in checkout_operations[commit] if not op.errors}
    assert VALID[commit] <= valid, sorted(VALID[commit] - valid)
    print(f"{commit}: {len(valid)} of {len(checkout_operations[commit])} checkout operations validate")
