"""Benchmark: the reminder sweep for 10,000 agents with a session tomorrow."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import reminders
from accounts.models import Outbox
from bench.__main__ import Result, median_time
from bench.cohorts import START, _cohort, _program
from cohorts.models import ScheduleItem

AGENTS = 10_000

BASELINE_SQL = """
INSERT INTO accounts_outbox (recipient_id, kind, object_type, object_id, slot, context,
    deliver_after, status, attempts, last_error, created_at)
SELECT e.agent_id, 'session_day_before', 'scheduleitem', %(item)s, %(slot)s,
    '{}'::jsonb, %(send_at)s, 'pending', 0, '', now()
FROM cohorts_enrollment e
WHERE e.cohort_id = %(cohort)s AND e.status = 'active'
ON CONFLICT DO NOTHING
"""


def reminder_sweep(*, repeat: int) -> Result:
    """The whole sweep (resolve, quiet hours, outbox insert, pick deliverable rows) against
    one INSERT ... SELECT writing the same rows."""
    # Two years after the other benchmarks' cohorts, so only this cohort has anything due.
    later = START + datetime.timedelta(days=730)
    cohort = _cohort(_program(coaching_weeks=1), agents=AGENTS, tag="reminders", start=later)
    session = cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).order_by("starts_at")[0]
    moment = session.starts_at - datetime.timedelta(hours=20)

    def clear():
        Outbox.objects.all().delete()

    def sweep():
        reminders.reminders_sweep(now=moment, enqueue=False)
        reminders.deliverable_ids(now=moment)

    clear()
    with CaptureQueriesContext(connection) as queries:
        sweep()
    rows = Outbox.objects.filter(kind="session_day_before", object_id=session.pk).count()
    assert rows == AGENTS, rows
    attune = median_time(sweep, repeat=repeat, before=clear)

    params = {
        "item": session.pk,
        "slot": session.starts_at.isoformat(),
        "send_at": session.starts_at - datetime.timedelta(days=1),
        "cohort": cohort.pk,
    }

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, params)

    baseline = median_time(raw, repeat=repeat, before=clear)
    print(
        f"reminder_sweep: {len(queries)} queries for {rows} recipients, "
        f"{rows / attune:,.0f} outbox rows/s (raw SQL {rows / baseline:,.0f} rows/s)"
    )
    return Result("reminder_sweep", attune, baseline, rows)
