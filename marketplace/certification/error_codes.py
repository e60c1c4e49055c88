from enum import Enum


class CertificationErrorCode(Enum):
    INVALID_STARS = "invalid_stars"
    INVALID_SCORE = "invalid_score"
    FUTURE_DATE = "future_date"
    NOT_ACTIVE = "not_active"
    WRONG_DECISION_KIND = "wrong_decision_kind"
