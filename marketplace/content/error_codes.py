from enum import Enum


class ContentErrorCode(Enum):
    NOT_FOUND = "not_found"
