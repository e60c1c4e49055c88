"""COPY-based inserts for the tens of thousands of rows one decision can bring (Django's bulk_create spends
most of its time building parameters). Only for rows whose every value is given: COPY skips model defaults,
auto_now fields and validation, so callers validate first (`copy_create` fills the defaults in)."""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone


def copy_insert(model, fields: list[str], rows: Iterable[tuple]) -> int:
    from psycopg.types.json import Jsonb

    table = connection.ops.quote_name(model._meta.db_table)
    meta_fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in meta_fields)
    json_positions = [i for i, f in enumerate(meta_fields) if f.get_internal_type() == "JSONField"]
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if json_positions:
                cells = list(row)
                for position in json_positions:
                    cells[position] = Jsonb(cells[position])
                row = tuple(cells)
            copy.write_row(row)
            count += 1
    return count


def reserve_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys from the table's sequence: COPY returns no ids, so they are taken first."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_create(model, rows: Sequence[dict]) -> list[int]:
    """bulk_create by COPY for rows given as {attname: value}; returns the new ids in row order. A field a
    row leaves out gets what bulk_create would give it: its default, or now for auto_now(_add)."""
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    now = timezone.now()
    fixed, per_row = {}, []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif field.has_default() and callable(field.default):
            per_row.append(field)
        else:
            fixed[field.attname] = field.get_prep_value(field.get_default())
    unknown = set().union(*(row.keys() for row in rows)) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    ids = reserve_ids(model, len(rows))

    def values(pk_value: int, row: dict) -> tuple:
        given = {**fixed, **{f.attname: f.get_default() for f in per_row}, **row}
        return (pk_value, *(given[f.attname] for f in fields))

    copy_insert(
        model, [pk.name] + [f.name for f in fields], (values(i, r) for i, r in zip(ids, rows, strict=True))
    )
    return ids
