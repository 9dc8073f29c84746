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

`interaction_weeks_rebuild` recomputes everything (the management command
`rebuild_interaction_weeks`, after a bulk load in SQL or a change of TIME_ZONE, which moves
the week boundaries); `interaction_weeks_mismatched` compares recent weeks with the source
(the reconciliation check `interaction_weeks_out_of_date`).
"""

import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Max, Min, QuerySet
from django.db.models.expressions import RawSQL

from insights.models import Interaction, InteractionWeek
from insights.reports import INTERACTION_WEEK as WEEK
from insights.reports import WEEKLY_SUMS as SUMS
from insights.reports import as_week, week_start

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


def interaction_weeks_refresh_inserted(*, interactions: QuerySet) -> None:
    """`interactions` were all just inserted (a source's first import): no pair lost an
    interaction, so nothing needs deleting and the pairs need no table of their own. Their
    agents and range of weeks are read in one query, then the rows of those agents over
    those weeks are recomputed with one INSERT ... SELECT. Pairs of those agents in that
    range that the import did not touch are recomputed to what they were: exact, whatever
    else is stored.

    The agents are named in a list, not a subquery: right after a large insert the
    table's statistics are stale, and PostgreSQL then joined a million rows to a million
    rows in a nested loop."""
    connection = connections[interactions.db]
    spans = list(
        interactions.order_by()
        .values("agent_id")
        .annotate(first=Min(WEEK), last=Max(WEEK))
        .values_list("agent_id", "first", "last")
    )
    if not spans:
        return
    agents = [agent for agent, _, _ in spans]
    first, last = min(span[1] for span in spans), max(span[2] for span in spans)
    source = Interaction.objects.using(interactions.db).filter(
        agent_id__in=agents, **_bounds(first, last)
    )
    # The range is a day wider than the weeks: the weeks at its edges are not recomputed.
    sums = (
        source.order_by()
        .annotate(week=WEEK)
        .filter(week__gte=first, week__lte=last)
        .values("agent_id", "week")
        .annotate(**SUMS)
    )
    sql, params = sums.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in COLUMNS)
    replace = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in SUMS)
    with connection.cursor() as cursor:
        # "WHERE true" tells SQLite's parser that ON CONFLICT is the upsert clause.
        cursor.execute(
            f"INSERT INTO {InteractionWeek._meta.db_table} ({names})"
            f" SELECT {names} FROM ({sql}) s WHERE true"
            f" ON CONFLICT (agent_id, week) DO UPDATE SET {replace}",
            params,
        )


def _bounds(first, last) -> dict:
    """A range of moments that holds every interaction of the weeks `first` to `last`, a
    day wider on each side: the recompute groups by the week itself, the range only
    narrows what it reads."""
    day = datetime.timedelta(days=1)
    return {
        "occurred_at__gte": week_start(as_week(first)) - day,
        "occurred_at__lt": week_start(as_week(last) + 7 * day) + day,
    }


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
