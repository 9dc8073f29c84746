"""Landmark retention placed in the database: each enrolled agent's landmark, whether they
are followed from it, in which group, for how many days and whether they left, in one
query; for HR counted per (status, days, left), so no per-agent line leaves the database.

Scoping and the local date of a completion come from the ORM (compiled once per request);
the date arithmetic around them is written per database, as Django writes it, since the
ORM cannot group over a grouped query. Both spellings are run by the tests
(tests/insights/test_retention.py compares them with a plain Python computation).
"""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from cohorts.models import Enrollment

FOLLOWED = ("trained", "untrained")

# Date arithmetic: a date plus whole days, the later / earlier of two dates, and the whole
# days between two dates.
DIALECTS = {
    "postgresql": {
        "plus_days": "({date} + {days})",
        "greatest": "greatest({a}, {b})",
        "least": "least({a}, {b})",
        "days_between": "({end} - {start})",
        # Keeps the step a subquery of its own, each agent's status computed once:
        # inlined, the status and the landmark under it were evaluated again for every
        # column using them (the query took 15% longer; materializing it was slower).
        "computed_once": " OFFSET 0",
    },
    "sqlite": {  # dates are ISO text, which compares as dates do
        "plus_days": "date({date}, '+{days} days')",
        "greatest": "max({a}, {b})",
        "least": "min({a}, {b})",
        "days_between": "CAST(julianday({end}) - julianday({start}) AS INTEGER)",
        "computed_once": "",
    },
}


def _placed_sql(vendor: str, first_sql: str, trained_sql: str, landmark_days: int) -> str:
    """Per agent: id, e-mail, landmark, status (not_reached, left_before, trained or
    untrained), days followed and whether they left (1/0; NULL when not followed). Takes
    as_of as its last three parameters."""
    sql = DIALECTS[vendor]
    after_day_one = sql["plus_days"].format(date="f.first_day", days=int(landmark_days))
    landmark = sql["greatest"].format(a=after_day_one, b=f"coalesce(u.hired_on, {after_day_one})")
    end = sql["least"].format(a="coalesce(m.left_on, %s)", b="%s")
    days = sql["days_between"].format(end=end, start="m.landmark")
    return f"""
        WITH first (agent_id, first_day) AS ({first_sql}),
        trained (agent_id, trained_on) AS ({trained_sql}),
        marked AS (
            SELECT u.id, u.email, u.left_on, t.trained_on, {landmark} AS landmark
            FROM first f JOIN accounts_user u ON u.id = f.agent_id
            LEFT JOIN trained t ON t.agent_id = f.agent_id
        ),
        placed AS (
            SELECT m.id, m.email, m.landmark, m.left_on,
                CASE WHEN m.landmark > %s THEN 'not_reached'
                     WHEN m.left_on <= m.landmark THEN 'left_before'
                     WHEN m.trained_on <= m.landmark THEN 'trained'
                     ELSE 'untrained' END AS status
            FROM marked m{sql["computed_once"]}
        )
        SELECT m.id, m.email, m.landmark, m.status,
            CASE WHEN m.status IN ('trained', 'untrained') THEN {days} END AS days,
            CASE WHEN m.status NOT IN ('trained', 'untrained') THEN NULL
                 WHEN m.left_on <= %s THEN 1 ELSE 0 END AS gone
        FROM placed m
    """


# Day 1 of each agent's first cohort, over every enrolment.
EVERY_FIRST_DAY = """
    SELECT e.agent_id, min(c.start_date) FROM cohorts_enrollment e
    JOIN cohorts_cohort c ON c.id = e.cohort_id GROUP BY e.agent_id
"""


@functools.lru_cache(maxsize=32)
def _trained_sql(alias: str, time_zone: str) -> tuple[str, tuple]:
    """Each agent's first completion, as a local date. The same for every scope, so
    compiled once per database and time zone: compiling it took as long as the report's
    arithmetic."""
    trained = (
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
        .order_by()
        .values("agent")
        # In the current time zone, as the landmark is a local date.
        .annotate(trained_on=Min(TruncDate("status_changed_at")))
    )
    sql, params = trained.query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


def landmark_rows(
    *, enrollments, as_of: datetime.date, landmark_days: int, per_agent: bool
) -> list[tuple]:
    """Per agent in `enrollments` (ordered by id), (e-mail, status, landmark as ISO text,
    days, left); or, without `per_agent`, (status, days, agents, leavers) counts in order
    of status and days (leavers None where agents are not followed). The
    landmark is `landmark_days` after day 1 of the agent's first cohort in `enrollments`,
    or their hire date if later; they are trained if an enrolment of theirs (any) was
    completed on or before it, by the local date of its completion."""
    connection = connections[enrollments.db]
    if enrollments.query.has_filters():
        first = enrollments.order_by().values("agent").annotate(first_day=Min("cohort__start_date"))
        try:
            first_sql, first_params = first.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:  # a scope that can match nothing (a filter on an empty list)
            return []
    else:  # every enrolment (HR's scope): the ORM would compile this same text each time
        first_sql, first_params = EVERY_FIRST_DAY, ()
    trained_sql, trained_params = _trained_sql(
        connection.alias, timezone.get_current_timezone_name()
    )
    placed = _placed_sql(connection.vendor, first_sql, trained_sql, landmark_days)
    day = connection.ops.adapt_datefield_value(as_of)
    if per_agent:
        sql = f"SELECT email, status, landmark, days, gone FROM ({placed}) p ORDER BY id"
    else:
        sql = (
            f"SELECT status, days, count(*), sum(gone) FROM ({placed}) p "
            "GROUP BY status, days ORDER BY status, days"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*first_params, *trained_params, day, day, day, day))
        found = cursor.fetchall()
    if per_agent:
        return [
            (email, status, str(landmark), days, None if gone is None else bool(gone))
            for email, status, landmark, days, gone in found
        ]
    return found
