"""Relay global IDs ("Product:12" in base64), validated against the expected type."""

from graphql_relay import from_global_id, to_global_id

from marketplace.graphql.core.errors import BadRequest, InputError

__all__ = ["decode_id", "decode_ids", "to_global_id"]


def _decode(global_id: str, expected: str | tuple[str, ...]) -> tuple[str, str]:
    expected_types = (expected,) if isinstance(expected, str) else expected
    try:
        type_name, raw = from_global_id(global_id)
    except Exception as exc:  # graphql_relay raises assorted errors for non-base64 input
        raise ValueError(f"Couldn't resolve id: {global_id}.") from exc
    if not type_name or not raw:
        raise ValueError(f"Couldn't resolve id: {global_id}.")
    if type_name not in expected_types:
        raise ValueError(
            f"Invalid ID: {global_id}. Expected: {', '.join(expected_types)}, received: {type_name}."
        )
    return type_name, raw


def decode_id(global_id: str, expected: str, *, field: str | None = None, as_uuid: bool = False):
    """The database key behind a global ID. In queries a bad ID is a GraphQL error; in mutations (field
    given) it is an InputError that lands in the payload's errors."""
    try:
        _, raw = _decode(global_id, expected)
        if as_uuid:
            import uuid

            return uuid.UUID(raw)
        pk = int(raw)
        if pk <= 0 or pk > 2**63 - 1:
            raise ValueError(f"Couldn't resolve id: {global_id}.")
        return pk
    except ValueError as exc:
        if field is not None:
            raise InputError(field, str(exc), "GRAPHQL_ERROR") from exc
        raise BadRequest(str(exc)) from exc


def decode_ids(global_ids, expected: str, *, field: str | None = None) -> list[int]:
    return [decode_id(global_id, expected, field=field) for global_id in global_ids or []]
