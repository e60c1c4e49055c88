from enum import Enum


class MoneyErrorCode(Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    TOO_MUCH = "too_much"
    NOT_PAID = "not_paid"
    GATEWAY_ERROR = "gateway_error"
    NO_BANK_ACCOUNT = "no_bank_account"
    INVALID_TRANSITION = "invalid_transition"
