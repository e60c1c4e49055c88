from enum import Enum


class CheckoutErrorCode(Enum):
    """Named like Saleor's CheckoutErrorCode values (lower-case), so the GraphQL layer maps them 1:1."""

    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    EMPTY = "empty"
    INSUFFICIENT_STOCK = "insufficient_stock"
    PRODUCT_UNAVAILABLE_FOR_PURCHASE = "product_unavailable_for_purchase"
    QUANTITY_GREATER_THAN_LIMIT = "quantity_greater_than_limit"
    ZERO_QUANTITY = "zero_quantity"
    EMAIL_NOT_SET = "email_not_set"
    SHIPPING_ADDRESS_NOT_SET = "shipping_address_not_set"
    SHIPPING_METHOD_NOT_SET = "shipping_method_not_set"
    DELIVERY_METHOD_NOT_APPLICABLE = "delivery_method_not_applicable"
    PAYMENT_METHOD_UNAVAILABLE = "payment_method_unavailable"
    TOO_MANY_OPEN_ORDERS = "too_many_open_orders"
    VOUCHER_NOT_APPLICABLE = "voucher_not_applicable"
    CHECKOUT_NOT_FULLY_PAID = "checkout_not_fully_paid"
