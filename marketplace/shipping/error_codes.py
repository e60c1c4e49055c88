import enum


class ShippingErrorCode(enum.StrEnum):
    INVALID = "invalid"
