"""Set-based bench data: `INSERT … SELECT` over every concrete column of a Django model.

The benches fill tens of thousands of rows with one statement per table. Naming every column by hand broke
each time a model gained a NOT NULL column; here the bench names only the columns it cares about and every
other column gets what Django would have written: the field's default (or `db_default`), `now()` for
auto_now/auto_now_add, NULL where allowed, else the type's empty value ('' / 0 / false / '{}').
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable

# Column types whose "nothing" is a number, a boolean or a JSON document rather than ''.
_ZERO = (
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "PositiveBigIntegerField", "DecimalField", "FloatField", "DurationField",
)  # fmt: skip


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return f"interval '{value.total_seconds()} seconds'"
    if isinstance(value, datetime.datetime):
        return f"'{value.isoformat()}'::timestamptz"
    if isinstance(value, datetime.date):
        return f"'{value.isoformat()}'::date"
    if isinstance(value, (dict, list)):
        return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
    if isinstance(value, uuid.UUID):
        return f"'{value}'::uuid"
    return "'" + str(value).replace("'", "''") + "'"


def column_value(field) -> str | None:
    """SQL for a column the bench did not name; None to leave it to the database's own default."""
    from django.db import models
    from django.db.models.fields import NOT_PROVIDED

    if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
        return None
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return "now()"
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return "current_date"
    if field.has_default():
        value = field.get_default()
        if isinstance(field, models.ForeignKey) and hasattr(value, "pk"):
            value = value.pk
        if isinstance(field, models.UUIDField) and value is not None:
            return "gen_random_uuid()"  # a callable default (uuid4) means one per row
        if isinstance(field, models.DateTimeField) and value is not None:
            return "now()"  # timezone.now
        if isinstance(field, models.DateField) and value is not None:
            return "current_date"
        if isinstance(field, models.JSONField):
            return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
        return _literal(value)
    if field.null:
        return "NULL"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.DateField):
        return "current_date"
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb"
    if isinstance(field, models.UUIDField):
        return "gen_random_uuid()"
    if field.get_internal_type() in _ZERO:
        return "0"
    return "''"


def insert_select_sql(model, expressions: dict[str, str], source: str) -> str:
    """The statement; `expressions` maps attnames (`producer_id`, `name`) to SQL over `source`."""
    known = {f.attname for f in model._meta.concrete_fields}
    unknown = set(expressions) - known
    if unknown:
        raise ValueError(f"{model.__name__} has no column(s) {sorted(unknown)}")
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in expressions:
            continue
        value = expressions[field.attname] if field.attname in expressions else column_value(field)
        if value is None:
            continue
        columns.append(field.column)
        values.append(value)
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - bench constants only
        f"SELECT {', '.join(values)} FROM {source}"
    )


def insert_select(execute: Callable[[str], object], model, expressions: dict[str, str], source: str) -> None:
    execute(insert_select_sql(model, expressions, source))
