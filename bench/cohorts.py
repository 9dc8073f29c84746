"""Benchmarks for cohorts: drawing coaching pairs, and the facilitator's progress view."""

import datetime
import io

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from bench.__main__ import Result, median_time
from cohorts import services
from cohorts.models import (
    Attendance,
    CoachingPair,
    CoachingPairMember,
    Cohort,
    Enrollment,
    ModuleProgress,
    ScheduleItem,
)
from programs.models import Module, Phase, Program, Rubric, RubricCriterion, Workshop
from programs.services import program_publish

START = datetime.date(2027, 1, 4)
BEFORE_START = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
# Attendance is recorded as if the program were over (a workshop must have started).
AFTER_END = datetime.datetime(2027, 6, 1, tzinfo=datetime.UTC)


def _program(coaching_weeks: int, tag: str = "") -> Program:
    """A published program; `tag` tells apart programs of the same length in one run."""
    name = f"{coaching_weeks}{tag}"
    rubric = Rubric.objects.create(name=f"Bench rubric {name}")
    RubricCriterion.objects.create(rubric=rubric, key="tone", name="Tone")
    program = Program.objects.create(name=f"Bench program {name}", rubric=rubric)
    foundation = Phase.objects.create(program=program, order=1, name="F", first_day=1, last_day=30)
    practice = Phase.objects.create(
        program=program,
        order=2,
        name="P",
        first_day=31,
        last_day=30 + 7 * coaching_weeks,
        peer_coaching=True,
    )
    for day in (3, 10, 17):
        Workshop.objects.create(program=program, phase=foundation, title=f"W{day}", day=day)
    for week in range(1, coaching_weeks + 1):
        Module.objects.create(program=program, phase=practice, week=week, topic=f"M{week}")
    return program_publish(program=program)


def _cohort(program: Program, agents: int, tag: str, start: datetime.date = START) -> Cohort:
    teams = [Team.objects.get_or_create(name=f"Bench team {i}")[0] for i in range(10)]
    users = User.objects.bulk_create(
        User(email=f"{tag}-{i}@bench.example", display_name=f"Agent {i}", team=teams[i % 10])
        for i in range(agents)
    )
    cohort = Cohort.objects.create(
        program=program, name=f"Bench {tag}", start_date=start, time_zone="America/New_York"
    )
    Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, program=program, agent=user) for user in users
    )
    services.cohort_start(cohort=cohort, now=BEFORE_START)
    return cohort


# --- pair_rotation -------------------------------------------------------------------------


def pair_rotation(*, repeat: int) -> Result:
    """Draw 13 weeks of coaching pairs for 2,000 agents (and store them), against COPYing
    the same pairs and members into the same tables."""
    cohort = _cohort(_program(coaching_weeks=13), agents=2000, tag="pairs")

    def generate():
        services.coaching_pairs_generate(cohort=cohort, now=BEFORE_START)

    with CaptureQueriesContext(connection) as queries:
        generate()
    attune = median_time(generate, repeat=repeat)
    pairs = list(CoachingPair.objects.filter(cohort=cohort).values_list("week", "item_id"))
    members = list(
        CoachingPairMember.objects.filter(cohort=cohort)
        .order_by("pair_id")
        .values_list("pair_id", "enrollment_id", "week")
    )

    def clear():
        # The bare SQL for what the service deletes before drawing again (the ORM's cascade
        # would make the baseline, not Attune, slow).
        with connection.cursor() as cursor:
            pairs = "SELECT id FROM cohorts_coachingpair WHERE cohort_id = %s"
            cursor.execute(
                f"UPDATE cohorts_rubricscore SET coaching_pair_id = NULL "
                f"WHERE coaching_pair_id IN ({pairs})",
                [cohort.pk],
            )
            cursor.execute(
                f"DELETE FROM cohorts_coachingpairmember WHERE pair_id IN ({pairs})", [cohort.pk]
            )
            cursor.execute("DELETE FROM cohorts_coachingpair WHERE cohort_id = %s", [cohort.pk])

    def copy_rows():
        with transaction.atomic(), connection.cursor() as cursor:
            # Same rows: pairs first (ids back from the sequence), then their members.
            ids = cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('cohorts_coachingpair', 'id')) "
                "FROM generate_series(1, %s)",
                [len(pairs)],
            ).fetchall()
            buffer = io.StringIO()
            for (new_id,), (week, item_id) in zip(ids, pairs, strict=True):
                buffer.write(f"{new_id}\t{cohort.pk}\t{week}\t{item_id}\tplanned\t\\N\t\n")
            with cursor.copy(
                "COPY cohorts_coachingpair (id, cohort_id, week, item_id, session, "
                "session_recorded_at, session_notes) FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())
            old_ids = sorted({m[0] for m in members})
            id_map = {old: new for old, (new,) in zip(old_ids, ids, strict=False)}
            buffer = io.StringIO()
            for pair_id, enrollment_id, week in members:
                buffer.write(f"{id_map[pair_id]}\t{enrollment_id}\t{cohort.pk}\t{week}\n")
            with cursor.copy(
                "COPY cohorts_coachingpairmember (pair_id, enrollment_id, cohort_id, week) "
                "FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())

    baseline = median_time(lambda: (clear(), copy_rows()), repeat=repeat)
    print(f"pair_rotation: {len(queries)} queries for {len(pairs) + len(members)} rows")
    return Result("pair_rotation", attune, baseline, len(pairs) + len(members))


# --- cohort_progress -----------------------------------------------------------------------

# One page of the cohort's agents, in the API's order, and their progress.
PROGRESS_SQL = """
WITH page AS (
    SELECT e.id FROM cohorts_enrollment e JOIN accounts_user u ON u.id = e.agent_id
    WHERE e.cohort_id = %(cohort)s ORDER BY u.display_name, u.email, e.id LIMIT %(limit)s
),
items AS (
    SELECT id, kind, coaching_week, due_at, title, starts_at
    FROM cohorts_scheduleitem WHERE cohort_id = %(cohort)s AND NOT cancelled
),
membership AS (
    SELECT m.enrollment_id, m.week, p.session
    FROM cohorts_coachingpairmember m JOIN cohorts_coachingpair p ON p.id = m.pair_id
    WHERE m.cohort_id = %(cohort)s
),
states AS (
    SELECT e.id AS enrollment_id, i.title, i.starts_at, i.due_at <= %(now)s AS due,
        CASE i.kind
            WHEN 'workshop' THEN EXISTS (
                SELECT 1 FROM cohorts_attendance a
                WHERE a.enrollment_id = e.id AND a.item_id = i.id AND a.attended)
            WHEN 'module' THEN EXISTS (
                SELECT 1 FROM cohorts_moduleprogress p
                WHERE p.enrollment_id = e.id AND p.item_id = i.id
                  AND p.prework_done_at IS NOT NULL AND p.practice_attended_at IS NOT NULL)
            ELSE EXISTS (
                SELECT 1 FROM membership m
                WHERE m.enrollment_id = e.id AND m.week = i.coaching_week AND m.session = 'held')
        END AS done
    FROM cohorts_enrollment e
    JOIN items i ON i.kind <> 'coaching' OR EXISTS (
        SELECT 1 FROM membership m WHERE m.enrollment_id = e.id AND m.week = i.coaching_week)
    WHERE e.id IN (SELECT id FROM page)
)
SELECT e.id, u.id, u.display_name, u.email, coalesce(t.name, ''), e.status,
    (SELECT ph.name FROM programs_phase ph
     WHERE ph.program_id = %(program)s AND %(day)s BETWEEN ph.first_day AND ph.last_day),
    count(*) FILTER (WHERE s.done), count(*) FILTER (WHERE s.due),
    count(*) FILTER (WHERE s.due AND NOT s.done), count(*),
    round(100.0 * count(*) FILTER (WHERE s.done) / count(*), 1),
    array_agg(s.title ORDER BY s.starts_at) FILTER (WHERE s.due AND NOT s.done)
FROM cohorts_enrollment e
JOIN accounts_user u ON u.id = e.agent_id
LEFT JOIN accounts_team t ON t.id = u.team_id
JOIN states s ON s.enrollment_id = e.id
WHERE e.id IN (SELECT id FROM page)
GROUP BY e.id, u.id, t.name
ORDER BY u.display_name, u.email, e.id
"""


# The API's fields for the baseline's columns before its percentage and overdue titles.
PROGRESS_COLUMNS = (
    "enrollment", "agent", "name", "email", "team", "status", "current_phase",
    "done", "due", "overdue", "total",
)  # fmt: skip


def _record_some_progress(cohort: Cohort, facilitator: User) -> None:
    enrollments = list(cohort.enrollments.values_list("pk", flat=True))
    for n, item in enumerate(cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP)):
        attended = {pk: (pk + n) % 4 != 0 for pk in enrollments}
        services.attendance_record(item=item, attended=attended, by=facilitator, now=AFTER_END)
    modules = list(cohort.schedule_items.filter(kind=ScheduleItem.Kind.MODULE)[:3])
    now = timezone.now()
    ModuleProgress.objects.bulk_create(
        ModuleProgress(
            enrollment_id=pk,
            item=item,
            prework_done_at=now,
            practice_attended_at=now if pk % 3 else None,
        )
        for item in modules
        for pk in enrollments
    )
    CoachingPair.objects.filter(cohort=cohort, week__in=(1, 2)).update(session="held")


def _progress_result(name: str, cohort: Cohort, facilitator: User, repeat: int) -> Result:
    """The first page of GET /api/cohorts/{id}/progress/ (the whole request through DRF)
    against one raw SQL query returning the same rows, at day 48 (much is due)."""
    from rest_framework.test import APIClient

    from config.pagination import ProgressPagination

    client = APIClient()
    client.force_authenticate(facilitator)
    url = f"/api/cohorts/{cohort.pk}/progress/"
    now = datetime.datetime(2027, 2, 20, tzinfo=datetime.UTC)  # day 48: much is due

    import time_machine

    with time_machine.travel(now, tick=False):
        rows = client.get(url).json()["results"]
        attune = median_time(lambda: client.get(url).json(), repeat=repeat)
    params = {
        "cohort": cohort.pk,
        "program": cohort.program_id,
        "now": now,
        "day": 48,
        "limit": ProgressPagination.page_size,
    }

    def raw():
        with connection.cursor() as cursor:
            return cursor.execute(PROGRESS_SQL, params).fetchall()

    raw_rows = raw()
    assert len(raw_rows) == len(rows), (len(raw_rows), len(rows))
    # Row by row, in order, every column the baseline returns.
    for api_row, raw_row in zip(rows, raw_rows, strict=True):
        *same, percent, overdue_items = raw_row
        assert [api_row[key] for key in PROGRESS_COLUMNS] == same, (api_row, raw_row)
        assert api_row["percent_complete"] == float(percent), (api_row, raw_row)
        assert api_row["overdue_items"] == (overdue_items or []), (api_row, raw_row)
        assert api_row["behind"] == (api_row["overdue"] > 0), api_row
    baseline = median_time(raw, repeat=repeat)
    return Result(name, attune, baseline, len(rows))


def cohort_progress(*, repeat: int) -> list[Result]:
    """Progress of a 500-agent cohort (one page: all of it), and the first page of a
    5,000-agent one (the growth benchmark's 10x cohort)."""
    from bench.growth import build

    program = _program(coaching_weeks=4)
    cohort = _cohort(program, agents=500, tag="progress")
    facilitator = User.objects.create_user("bench-manager@bench.example", role="manager")
    cohort.facilitators.add(facilitator)
    _record_some_progress(cohort, facilitator)
    assert Attendance.objects.filter(item__cohort=cohort).exists()
    large = build(10)
    # Statistics as a live database has them: unanalysed, the page's query plans badly.
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE cohorts_enrollment, cohorts_attendance, cohorts_moduleprogress, "
            "cohorts_coachingpairmember, cohorts_coachingpair, cohorts_scheduleitem, "
            "accounts_user"
        )
    return [
        _progress_result("cohort_progress", cohort, facilitator, repeat),
        _progress_result("cohort_progress_5000", large.cohort, large.manager, repeat),
    ]
