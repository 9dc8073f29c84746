"""Benchmark: the reminder sweep for 10,000 agents with a session tomorrow."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import reminders
from accounts.models import Outbox
from bench.__main__ import Result, median_time
from bench.cohorts import START, _cohort, _program
from cohorts.models import Cohort, ScheduleItem

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


HISTORY_SQL = """
INSERT INTO cohorts_rubricscore (rubric_id, scorer_id, subject_id, context, observed, values,
    percent, cohort_id, interaction_ref, feedback, comments, strength, next_step, scored_at,
    created_at)
SELECT %(rubric)s, e.agent_id, e.agent_id, 'qa', 'interaction', '{"tone": 3}'::jsonb, 60,
    e.cohort_id, '', '', '{}'::jsonb, '', '', %(long_ago)s, %(long_ago)s
FROM cohorts_enrollment e, generate_series(1, %(per_agent)s)
WHERE e.cohort_id = %(cohort)s
"""
HISTORY_PER_AGENT = 10


def _eligibility_seconds(moment, repeat) -> float:
    from certification.reminders import resolve

    return median_time(lambda: resolve(now=moment, kinds={"role_play_eligible"}), repeat=repeat)


def reminder_sweep(*, repeat: int) -> Result:
    """The whole sweep (resolve, quiet hours, outbox insert, pick deliverable rows) against
    one INSERT ... SELECT writing the same rows, with 100,000 assessed scores of the
    agents in the history (the certification resolver must not read them all)."""
    # Two years after the other benchmarks' cohorts, so only this cohort has anything due.
    later = START + datetime.timedelta(days=730)
    program = _program(coaching_weeks=1)
    cohort = _cohort(program, agents=AGENTS, tag="reminders", start=later)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.RUNNING)
    session = cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).order_by("starts_at")[0]
    moment = session.starts_at - datetime.timedelta(hours=20)

    without_history = _eligibility_seconds(moment, repeat)
    with connection.cursor() as cursor:
        cursor.execute(
            HISTORY_SQL,
            {
                "rubric": program.rubric_id,
                "long_ago": moment - datetime.timedelta(days=60),
                "per_agent": HISTORY_PER_AGENT,
                "cohort": cohort.pk,
            },
        )
        cursor.execute("ANALYZE cohorts_rubricscore")
    with_history = _eligibility_seconds(moment, repeat)
    print(
        f"reminder_sweep: role-play eligibility {without_history * 1000:.1f} ms with no scores, "
        f"{with_history * 1000:.1f} ms with {AGENTS * HISTORY_PER_AGENT:,} older scores"
    )

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
