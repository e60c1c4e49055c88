"""`field__any=values`: `field = ANY(%s)` with the values as one array parameter.

`__in` sends one placeholder per value; for the tens of thousands of ids a decision import handles, building
and splitting that query costs more than running it. Values are passed as they are (ints, strings): no
per-value preparation, so use it for plain keys."""

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


@Field.register_lookup
@ForeignObject.register_lookup  # foreign keys take only their own lookups: ids, not model instances
class AnyOf(Lookup):
    lookup_name = "any"

    def get_prep_lookup(self) -> list[Any]:
        return list(self.rhs)  # once: a generator must survive the query being compiled again

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
