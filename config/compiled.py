"""A queryset built and compiled once per database, then run with each call's own values.

Some querysets take longer to build than to run: cohort progress (`cohorts.selectors.
progress_of`) joins three filtered relations and counts five filtered aggregates around
two `Exists`, and building and compiling it took 7 ms of Python on every request, a sixth
of the progress API's time for 500 agents. Its SQL does not depend on the values it
is given, only on the database, so `CompiledQuery` builds it once with stand-in values,
finds where each stand-in landed among the parameters, and runs that SQL with each call's
values in their places.

The values it can stand in for are those the compiler passes through as parameters, never
writes into the SQL: an id (`INTEGER`), an aware datetime (`MOMENT`, adapted as a
DateTimeField's value) and a list of ids (`IDS`, written by `ids_in` as
`IN (SELECT ...)` over one parameter, so the SQL does not grow with the list). Each
stand-in must land in the parameters at least once, or building fails: a query whose
SQL a value changes cannot be compiled once. The rows are answered as `values_list`
answers them, without its converters: the caller decodes what needs it (JSON).
"""

import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# Values no real row or moment has, so that each is found only where it was put.
STAND_IN_ID = -987_654_321
STAND_IN_IDS = [-987_654_322]
STAND_IN_MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC)

# The elements of one parameter holding a list of ids, as a subquery.
_IDS_SQL = {
    "postgresql": "SELECT unnest(%s::bigint[])",
    "sqlite": "SELECT value FROM json_each(%s)",
}


def ids_in(ids: Sequence[int], *, using: str = DEFAULT_DB_ALIAS) -> RawSQL:
    """For `field__in=`: the ids as one parameter, so the SQL is the same for any number of
    them (an `IN` of a list has a placeholder per id)."""
    vendor = connections[using].vendor
    return RawSQL(_IDS_SQL[vendor], [_ids_param(ids, vendor)])


def _ids_param(ids: Sequence[int], vendor: str):
    ids = [int(pk) for pk in ids]
    return ids if vendor == "postgresql" else json.dumps(ids)


@dataclass(frozen=True)
class StandIn:
    """What a named value of the query is, and so how it appears among the parameters."""

    kind: str  # "integer", "moment" or "ids"

    def value(self):
        return {"integer": STAND_IN_ID, "moment": STAND_IN_MOMENT, "ids": STAND_IN_IDS}[self.kind]

    def param(self, value, connection):
        if self.kind == "moment":
            return connection.ops.adapt_datetimefield_value(value)
        if self.kind == "ids":
            return _ids_param(value, connection.vendor)
        return int(value)


INTEGER, MOMENT, IDS = StandIn("integer"), StandIn("moment"), StandIn("ids")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: dict[int, str]  # parameter position -> the name of the value that goes there


class CompiledQuery:
    """`build(**values)` answers a `values_list(*fields)` queryset; `rows(**values)` runs
    its SQL, compiled once per database from `build` given the stand-ins."""

    def __init__(self, build: Callable[..., QuerySet], fields: Sequence[str], **values: StandIn):
        self.build, self.fields, self.values = build, tuple(fields), values
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        if using in self._compiled:
            return self._compiled[using]
        connection = connections[using]
        queryset = self.build(**{name: kind.value() for name, kind in self.values.items()})
        query = queryset.values_list(*self.fields).query
        sql, params = query.get_compiler(using=using).as_sql()
        slots = {}
        for name, kind in self.values.items():
            stand_in = kind.param(kind.value(), connection)
            found = [i for i, param in enumerate(params) if param == stand_in]
            if not found:
                raise ValueError(f"{name} is not among the query's parameters")
            slots |= dict.fromkeys(found, name)
        # Django selects a values_list's fields and annotations in the order asked for.
        self._compiled[using] = _Compiled(sql, tuple(params), slots)
        return self._compiled[using]

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        if values.keys() != self.values.keys():
            raise TypeError(f"{sorted(self.values)} are needed, {sorted(values)} given")
        compiled = self._compile(using)
        connection = connections[using]
        given = {name: self.values[name].param(value, connection) for name, value in values.items()}
        params = [
            given[compiled.slots[i]] if i in compiled.slots else param
            for i, param in enumerate(compiled.params)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.fetchall()
