from enum import Enum


class OrderErrorCode(Enum):
    INVALID_TRANSITION = "invalid_transition"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    ALREADY_PAID = "already_paid"
    NOT_PAID = "not_paid"
    REQUIRED = "required"
    INVALID = "invalid"
