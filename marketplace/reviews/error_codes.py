from enum import Enum


class ReviewErrorCode(Enum):
    INVALID = "invalid"
    NOT_DELIVERED = "review_not_delivered"
    NOT_BUYER = "review_not_buyer"
    OWN_PRODUCT = "review_own_product"
    ALREADY_REVIEWED = "review_already_exists"
    ALREADY_REPORTED = "review_already_reported"
    RATE_LIMITED = "review_rate_limited"
    TOO_MANY_PHOTOS = "review_too_many_photos"
    NOT_HIDDEN = "review_not_hidden"
    ALREADY_HIDDEN = "review_already_hidden"
