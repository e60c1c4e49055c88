"""COPY-based inserts for the tens of thousands of rows one decision can bring (Django's bulk_create spends
most of its time building parameters). Only for rows whose every value is given: COPY skips model defaults,
auto_now fields and validation, so callers validate first."""

from collections.abc import Iterable

from django.db import connection


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
                row = list(row)
                for position in json_positions:
                    row[position] = Jsonb(row[position])
            copy.write_row(row)
            count += 1
    return count
