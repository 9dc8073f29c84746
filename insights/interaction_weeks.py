"""The per-(agent, week) rollup of interactions (`InteractionWeek`), kept current by the
writers of interactions.

Every writer recomputes the rows of the (agent, week) pairs it touched, set-based, in the
transaction of its write: the pairs of the interactions it is about to change or delete
before the write (recomputed without them), and the pairs of the interactions it wrote
after it. A recompute reads the pairs' interactions again, so it is exact whatever ran
before it, and running it twice changes nothing.

    with transaction.atomic():
        interaction_weeks_refresh(interactions=about_to_change, without=True)
        ... update or delete them ...
        interaction_weeks_refresh(interactions=written)

A source's first import inserts only: it adds its rows' sums to their pairs' rows in the
statement that inserts them (`interaction_weeks_add_sql`), which reads no row back.

`interaction_weeks_rebuild` recomputes everything (the management command
`rebuild_interaction_weeks`, after a bulk load in SQL or a change of TIME_ZONE, which moves
the week boundaries); `interaction_weeks_mismatched` compares recent weeks with the source
(the reconciliation check `interaction_weeks_out_of_date`).
"""

import contextlib
import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from insights.models import Interaction, InteractionWeek
from insights.reports import INTERACTION_WEEK as WEEK
from insights.reports import WEEKLY_SUMS as SUMS
from insights.reports import as_week
from insights.weeks import week_start

COLUMNS = ["agent_id", "week", *SUMS]
PAIRS = "insights_interactionweek_pairs"  # a temporary table of the pairs to recompute


def interaction_weeks_refresh(*, interactions: QuerySet, without: bool = False) -> None:
    """Recompute the rollup rows of every (agent, week) pair of `interactions` from the
    interactions stored now; with `without`, leaving `interactions` themselves out (they
    are about to be changed or deleted). Five statements whatever the number of pairs:
    the pairs into a temporary table, their range of weeks, a delete and an insert, and
    the drop (three when `interactions` is empty: no delete or insert)."""
    connection = connections[interactions.db]
    pairs = interactions.order_by().annotate(week=WEEK).values("agent_id", "week").distinct()
    try:
        sql, params = pairs.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (an empty list of ids)
        return
    # No savepoint: a failure rolls the caller's write back with it, and the table too (it
    # is created in the same transaction), so there is nothing to drop then.
    with transaction.atomic(using=interactions.db, savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {PAIRS} AS {sql}", params)
        cursor.execute(f"SELECT min(week), max(week) FROM {PAIRS}")
        first, last = cursor.fetchone()
        if first is not None:
            source = Interaction.objects.using(interactions.db).filter(
                agent__in=RawSQL(f"SELECT agent_id FROM {PAIRS}", ()),
                **_bounds(first, last),
            )
            if without:
                source = source.exclude(pk__in=interactions.order_by().values("pk"))
            _recompute(cursor, source, connection)
        cursor.execute(f"DROP TABLE {PAIRS}")


def interaction_weeks_add_sql(*, rows: str, using: str = "default") -> tuple[str, tuple, list]:
    """For interactions just inserted, none of them stored before (a source's first
    import): an `INSERT ... ON CONFLICT DO UPDATE` that adds their weekly sums to the
    rollup rows of their (agent, week) pairs, creating the rows it lacks. `rows` names a
    relation with the interaction table's columns, such as a WITH query over the insert's
    RETURNING, so the sums are taken from the rows as they are written, without reading the
    table again. Returns (sql, params, the columns `rows` must have).

    Adding is exact: every summed metric is a whole number, so every partial sum is one,
    whatever the order of the additions, while it stays below 2**53 (about 9e15; a
    week's squared handle times are far below it), and a pair's row equals its recompute.
    A pair that another writer recomputes at the same time is locked by whichever writes
    it first; the other then adds to, or recomputes from, the committed row."""
    connection = connections[using]
    table = Interaction._meta.db_table
    quote = connection.ops.quote_name
    sums = Interaction.objects.order_by().annotate(week=WEEK).values("agent_id", "week")
    sql, params = sums.annotate(**SUMS).query.get_compiler(connection=connection).as_sql()
    source = f" FROM {quote(table)} "
    if sql.count(source) != 1:
        raise ValueError(f"unexpected SQL for the weekly sums: {sql}")
    # The same query read from `rows`: the alias keeps its column references valid.
    sql = sql.replace(source, f" FROM {rows} AS {quote(table)} ")
    read = [
        field.column
        for field in Interaction._meta.concrete_fields
        if f"{quote(table)}.{quote(field.column)}" in sql
    ]
    week_table = InteractionWeek._meta.db_table
    additions = []
    for name in SUMS:
        stored, added = f"{quote(week_table)}.{quote(name)}", f"excluded.{quote(name)}"
        if InteractionWeek._meta.get_field(name).null:  # a sum of no values is NULL
            additions.append(f"{quote(name)} = COALESCE({stored} + {added}, {stored}, {added})")
        else:
            additions.append(f"{quote(name)} = {stored} + {added}")
    names = ", ".join(quote(name) for name in COLUMNS)
    # "WHERE true" tells SQLite's parser that ON CONFLICT is the upsert clause.
    statement = (
        f"INSERT INTO {quote(week_table)} ({names}) SELECT {names} FROM ({sql}) s WHERE true"
        f" ON CONFLICT (agent_id, week) DO UPDATE SET {', '.join(additions)}"
    )
    return statement, tuple(params), read


def _bounds(first, last) -> dict:
    """A range of moments that holds every interaction of the weeks `first` to `last`, a
    day wider on each side: the recompute groups by the week itself, the range only
    narrows what it reads."""
    day = datetime.timedelta(days=1)
    bounds = {}
    # The first and the last weeks of the calendar (years 1 and 9999) have no day beyond
    # them: the range stays open on that side.
    with contextlib.suppress(OverflowError):
        bounds["occurred_at__gte"] = week_start(as_week(first)) - day
    with contextlib.suppress(OverflowError):
        bounds["occurred_at__lt"] = week_start(as_week(last) + 7 * day) + day
    return bounds


def _recompute(cursor, source: QuerySet, connection) -> None:
    """Replace the rows of the pairs in PAIRS with the sums of `source` (interactions of
    the pairs' agents over their weeks); a pair without interactions left has no row."""
    table = InteractionWeek._meta.db_table
    quote = connection.ops.quote_name
    cursor.execute(
        f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {PAIRS} p"
        f" WHERE p.agent_id = {table}.agent_id AND p.week = {table}.week)"
    )
    sums = source.order_by().annotate(week=WEEK).values("agent_id", "week").annotate(**SUMS)
    sql, params = sums.query.get_compiler(connection=connection).as_sql()
    names = ", ".join(quote(name) for name in COLUMNS)
    # A writer that recomputed the same pair and committed after this transaction's delete
    # read its snapshot: its row is replaced, by sums that see its interactions too.
    replace = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in SUMS)
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM ({sql}) s"
        f" WHERE EXISTS (SELECT 1 FROM {PAIRS} p"
        f" WHERE p.agent_id = s.agent_id AND p.week = s.week)"
        f" ON CONFLICT (agent_id, week) DO UPDATE SET {replace}",
        params,
    )


def _fresh_sums(*, using: str, since: datetime.date | None) -> QuerySet:
    """The rollup's rows as the interactions give them now (from the week of `since`)."""
    sums = Interaction.objects.using(using).order_by().annotate(week=WEEK)
    if since:
        monday = _monday(since)
        day = datetime.timedelta(days=1)
        sums = sums.filter(occurred_at__gte=week_start(monday) - day, week__gte=monday)
    return sums.values("agent_id", "week").annotate(**SUMS)


def interaction_weeks_rebuild(*, using: str = "default", since: datetime.date | None = None) -> int:
    """Recompute the rollup from the interactions, in one transaction: every week, or the
    weeks from the one holding `since` on. Returns the number of rows written."""
    connection = connections[using]
    table = InteractionWeek._meta.db_table
    names = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    sql, params = (
        _fresh_sums(using=using, since=since).query.get_compiler(connection=connection).as_sql()
    )
    stale = InteractionWeek.objects.using(using)
    if since:
        stale = stale.filter(week__gte=_monday(since))
    with transaction.atomic(using=using):
        stale.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM ({sql}) s", params)
            return cursor.rowcount


def interaction_weeks_mismatched(
    *, since: datetime.date, using: str = "default"
) -> list[tuple[int, datetime.date]]:
    """The (agent id, week) pairs, from the week holding `since` on, whose rollup row is
    not what the interactions give now (a row that differs, is missing or should not be
    there), in one query."""
    since = _monday(since)
    connection = connections[using]
    names = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    compiled = [
        query.query.get_compiler(connection=connection).as_sql()
        for query in (
            _fresh_sums(using=using, since=since),
            InteractionWeek.objects.using(using).filter(week__gte=since).values(*COLUMNS),
        )
    ]
    (fresh, fresh_params), (stored, stored_params) = compiled
    query = (
        f"SELECT agent_id, week FROM (SELECT {names} FROM ({fresh}) f"
        f" EXCEPT SELECT {names} FROM ({stored}) s) a"
        f" UNION SELECT agent_id, week FROM (SELECT {names} FROM ({stored}) s"
        f" EXCEPT SELECT {names} FROM ({fresh}) f) b ORDER BY 2, 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*fresh_params, *stored_params, *stored_params, *fresh_params))
        return [(agent, as_week(week)) for agent, week in cursor.fetchall()]


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())
