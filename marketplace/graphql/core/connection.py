"""Saleor-style connections: first/after/last/before, `first` or `last` required, at most 100 per page,
`totalCount` and `pageInfo`. Cursors are opaque offsets over a deterministic order (pk is always the last
sort key), so `after` works with every sortBy."""

import base64
import binascii
from collections.abc import Callable, Sequence

import graphene
from django.db.models import QuerySet

from marketplace.graphql.core.errors import BadRequest

MAX_PAGE_SIZE = 100
_PREFIX = "o:"


class CountableConnection(graphene.relay.Connection):
    """As Saleor's: `edges: [XCountableEdge!]!` and `node: X!` (a typed client such as the storefront's
    codegen relies on it: `edges.map(e => e.node)` must give nodes, not possibly-undefined values)."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, node=None, name=None, strict_types=True, _meta=None, **options):
        super().__init_subclass_with_meta__(
            node=node, name=name, strict_types=strict_types, _meta=_meta, **options
        )

    total_count = graphene.Int(description="A total count of items in the collection.")

    @staticmethod
    def resolve_total_count(root, info):
        return root.count()


def connection_field(connection_type, description: str | None = None, **arguments) -> graphene.Field:
    return graphene.Field(
        connection_type,
        before=graphene.String(
            description="Return the elements in the list that come before the specified cursor."
        ),
        after=graphene.String(
            description="Return the elements in the list that come after the specified cursor."
        ),
        first=graphene.Int(
            description="Retrieve the first n elements from the list. Note that the system only "
            "allows fetching a maximum of 100 objects in a single query."
        ),
        last=graphene.Int(
            description="Retrieve the last n elements from the list. Note that the system only "
            "allows fetching a maximum of 100 objects in a single query."
        ),
        description=description,
        **arguments,
    )


def _encode(offset: int) -> str:
    return base64.b64encode(f"{_PREFIX}{offset}".encode()).decode()


def _decode(cursor: str) -> int:
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(cursor)
        offset = int(raw[len(_PREFIX) :])
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadRequest(f"Received cursor ({cursor}) is invalid.") from exc
    if offset < 0 or offset > 10**9:
        raise BadRequest(f"Received cursor ({cursor}) is invalid.")
    return offset


def validate_page_arguments(field_name: str, first: int | None, last: int | None) -> None:
    if first is None and last is None:
        raise BadRequest(
            f"You must provide a `first` or `last` value to properly paginate the `{field_name}` connection."
        )
    if first is not None and last is not None:
        raise BadRequest("Mixing 'first' and 'last' is not supported.")
    for name, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 0:
            raise BadRequest(f"Argument `{name}` on connection `{field_name}` cannot be less than zero.")
        if value > MAX_PAGE_SIZE:
            raise BadRequest(
                f"Requesting {value} records on the `{field_name}` connection exceeds the `{name}` limit of "
                f"{MAX_PAGE_SIZE} records."
            )


def paginate(
    items: QuerySet | Sequence,
    info,
    connection_type,
    *,
    first: int | None = None,
    last: int | None = None,
    after: str | None = None,
    before: str | None = None,
    on_page: Callable[[list], None] | None = None,
):
    """One page of `items` as a connection instance. `on_page(nodes)` sees the loaded nodes (to prime
    DataLoaders for their nested fields)."""
    validate_page_arguments(info.field_name, first, last)
    start = _decode(after) + 1 if after else 0
    end = _decode(before) if before else None
    total: list[int] = []

    def count() -> int:
        if not total:
            total.append(items.count() if isinstance(items, QuerySet) else len(items))
        return total[0]

    if first is not None:
        limit = first if end is None else max(0, min(first, end - start))
        rows = list(items[start : start + limit + 1])
        has_next = len(rows) > limit
        rows = rows[:limit]
        begin = start
        has_previous = start > 0
    else:
        assert last is not None  # validate_page_arguments demands first or last
        if end is None:
            end = count()
        begin = max(start, end - last)
        rows = list(items[begin:end]) if end > begin else []
        has_previous = begin > 0
        has_next = before is not None
    if on_page is not None and rows:
        on_page(rows)
    edges = [connection_type.Edge(node=row, cursor=_encode(begin + i)) for i, row in enumerate(rows)]
    connection = connection_type(
        edges=edges,
        page_info=graphene.relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=has_previous,
            has_next_page=has_next,
        ),
    )
    connection.count = count
    return connection
