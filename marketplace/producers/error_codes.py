from enum import Enum


class ProducerErrorCode(Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_VERIFIED = "seller_not_verified"
