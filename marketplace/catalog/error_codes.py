from enum import Enum


class CatalogErrorCode(Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    UNIQUE = "unique"
    REQUIRED = "required"
    PERMISSION_DENIED = "permission_denied"
    ALREADY_HIDDEN = "already_hidden"
    NOT_HIDDEN = "not_hidden"
