from enum import Enum


class AccountErrorCode(Enum):
    INVALID = "invalid"
    REQUIRED = "required"
    UNIQUE = "unique"
    NOT_FOUND = "not_found"
    INVALID_PASSWORD = "invalid_password"  # noqa: S105 - an error code, not a secret
    PASSWORD_TOO_WEAK = "password_too_weak"  # noqa: S105 - an error code, not a secret
