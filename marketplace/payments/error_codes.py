from enum import Enum


class PaymentErrorCode(Enum):
    UNAVAILABLE = "unavailable"
    INVALID_SIGNATURE = "invalid_signature"
    GATEWAY_ERROR = "gateway_error"
