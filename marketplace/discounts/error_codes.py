from enum import Enum


class DiscountErrorCode(Enum):
    """Named like Saleor's CheckoutErrorCode / DiscountErrorCode values (lower-case)."""

    INVALID = "invalid"
    REQUIRED = "required"
    UNIQUE = "unique"
    NOT_FOUND = "not_found"
    VOUCHER_NOT_APPLICABLE = "voucher_not_applicable"
