"""Saleor's two error channels: permission failures are top-level errors with
extensions.exception.code = "PermissionDenied"; input problems are payload `errors{field message code}`."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from graphql import GraphQLError

from marketplace.core.text import fold


class PermissionDenied(GraphQLError):
    def __init__(self, message: str = "You do not have permission to perform this action", **kwargs):
        super().__init__(message, extensions={"exception": {"code": "PermissionDenied"}}, **kwargs)


class InputError(Exception):
    """Raised inside a mutation; becomes one entry of its payload's `errors`."""

    def __init__(self, field: str | None, message: str, code: str = "INVALID"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def camel(name: str | None) -> str | None:
    if not name or name == "__all__":
        return None
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _code(code: str | None, allowed: Iterable[str]) -> str:
    upper = fold(code or "invalid").upper().replace(" ", "_")
    return upper if upper in allowed else "INVALID"


def validation_error_entries(
    error: ValidationError, *, allowed_codes: Iterable[str], field_map: dict[str, str] | None = None
) -> list[dict]:
    """Django ValidationError -> [{field, message, code}] with camelCase field names and the API's codes."""
    allowed = set(allowed_codes)
    field_map = field_map or {}
    entries = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                message = item.message % item.params if item.params else item.message
                entries.append(
                    {
                        "field": field_map.get(field, camel(field)),
                        "message": str(message),
                        "code": _code(item.code, allowed),
                    }
                )
    else:
        for item in error.error_list:
            message = item.message % item.params if item.params else item.message
            entries.append({"field": None, "message": str(message), "code": _code(item.code, allowed)})
    return entries


class BadRequest(GraphQLError):
    """A query the client must fix (bad ID, page size, cursor, filter). Marked as a client error both the
    Saleor way and the Apollo way, so generic GraphQL tooling does not take it for a server failure."""

    def __init__(self, message: str, **kwargs):
        super().__init__(
            message, extensions={"code": "BAD_USER_INPUT", "exception": {"code": "GraphQLError"}}, **kwargs
        )
