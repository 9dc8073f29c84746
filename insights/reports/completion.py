"""The completion funnel: enrolled, through each step, to certified."""

from collections import defaultdict

from django.db import connections
from django.db.models import (
    Count,
)

from certification.models import CertificationDecision
from cohorts.models import (
    Attendance,
    Enrollment,
    ModuleProgress,
    ScheduleItem,
)
from insights import figures
from insights.reports.common import SUPPRESSED, Scope
from programs.models import Module

# --- Completion funnel ---------------------------------------------------------------------


def funnel(scope: Scope) -> dict:
    """Per-enrolment rows and the funnel computed from them (see `funnel_report`)."""
    # Plain tuples and subqueries rather than model objects and long id lists: the funnel
    # reads every enrolment in scope, and HR's scope is all of them.
    in_scope = scope.enrollments()
    enrollments = list(
        in_scope.values_list(
            "pk",
            "cohort_id",
            "cohort__name",
            "status",
            "enrolled_at",
            "agent_id",
            "agent__email",
            "missing_items",
        ).order_by("pk")
    )
    workshops = defaultdict(set)
    for cohort_id, item_id in ScheduleItem.objects.filter(
        cohort__in=in_scope.values("cohort"), kind="workshop", cancelled=False
    ).values_list("cohort_id", "pk"):
        workshops[cohort_id].add(item_id)
    attended = defaultdict(set)
    for enrollment_id, item_id in Attendance.objects.filter(
        enrollment__in=in_scope.values("pk"), attended=True
    ).values_list("enrollment_id", "item_id"):
        attended[enrollment_id].add(item_id)
    completed = defaultdict(set)
    for enrollment_id, module_id in ModuleProgress.objects.filter(
        enrollment__in=in_scope.values("pk"),
        prework_done_at__isnull=False,
        practice_attended_at__isnull=False,
    ).values_list("enrollment_id", "item__module_id"):
        completed[enrollment_id].add(module_id)
    certified = {}
    for enrollment_id, decided_at in CertificationDecision.objects.filter(
        enrollment__in=in_scope.values("pk"), revoked_at__isnull=True
    ).values_list("enrollment_id", "decided_at"):
        certified.setdefault(enrollment_id, decided_at)
    modules = _funnel_modules(in_scope)
    rows = []
    for pk, cohort_id, cohort_name, status, enrolled_at, agent_id, email, missing in enrollments:
        decided = certified.get(pk)
        rows.append(
            {
                "agent": email,
                "agent_id": agent_id,
                "cohort": cohort_name,
                "status": status,
                "workshops_attended": len(attended[pk] & workshops[cohort_id]),
                "workshops_total": len(workshops[cohort_id]),
                "modules_completed": " ".join(str(m) for m in sorted(completed[pk])),
                "certified": decided is not None,
                "days_to_certification": (decided - enrolled_at).days if decided else "",
                "missing_for_completion": "; ".join(missing or []),
            }
        )
    return {"figures": funnel_figures(rows, modules), "rows": rows, "notes": []}


def funnel_figures(rows: list[dict], modules) -> dict:
    """The funnel from its per-enrolment rows (also used to recompute a manager's export).

    Enrolled counts every enrolment, withdrawn ones included; withdrawals are their own
    step, and the later steps count whoever reached them. The certification rate is over
    everyone enrolled; `certification_rate_of_stayers` over those who did not withdraw.
    """
    enrolled = len(rows)
    withdrawn = sum(1 for r in rows if r["status"] == Enrollment.Status.WITHDRAWN)
    days = [r["days_to_certification"] for r in rows if r["days_to_certification"] != ""]
    certified = sum(1 for r in rows if r["certified"] in (True, "True"))
    done = defaultdict(int)
    for row in rows:
        for module_id in str(row["modules_completed"]).split():
            done[int(module_id)] += 1
    stayed = enrolled - withdrawn
    # Completion is the enrolment's outcome when its cohort closed (the program's completion
    # rule), not a guess from attendance; enrolments of cohorts still running count in none.
    completed = sum(1 for r in rows if r["status"] == Enrollment.Status.COMPLETED)
    not_completed = sum(1 for r in rows if r["status"] == Enrollment.Status.NOT_COMPLETED)
    closed = completed + not_completed
    return {
        "enrolled": enrolled,
        "withdrawn": withdrawn,
        "stayed": stayed,
        "attended_all_workshops": sum(
            1
            for r in rows
            if int(r["workshops_total"])
            and int(r["workshops_attended"]) == int(r["workshops_total"])
        ),
        "modules": [
            {"module": m.pk, "phase": m.phase.name, "topic": m.topic, "completed": done[m.pk]}
            for m in modules
        ],
        "certified": certified,
        "certification_rate": round(certified / enrolled, 4) if enrolled else None,
        "certification_rate_of_stayers": round(certified / stayed, 4) if stayed else None,
        "median_days_to_certification": figures.median([float(d) for d in days]),
        "certified_agents_behind_median": len(days),
        "completed": completed,
        "not_completed": not_completed,
        "completion_rate_of_closed": round(completed / closed, 4) if closed else None,
    }


def funnel_steps(report_figures: dict) -> list[tuple[str, int | None]]:
    """The funnel as (step, agents) lines: HR's rows export and the page's chart."""
    if report_figures.get("enrolled") is None:
        return []
    return [
        ("Enrolled", report_figures["enrolled"]),
        ("Withdrew", report_figures["withdrawn"]),
        ("Stayed enrolled", report_figures["stayed"]),
        ("Attended all workshops", report_figures["attended_all_workshops"]),
        *(
            (f"Module completed: {m['phase']}, {m['topic']}", m["completed"])
            for m in report_figures["modules"]
        ),
        ("Certified", report_figures["certified"]),
        ("Completed the program", report_figures["completed"]),
    ]


# The funnel's counts over the enrolments in scope (`e`: the report's own query), set-based:
# each enrolment's attended workshops of its own cohort against the cohort's workshops.
FUNNEL_COUNTS_SQL = """
WITH e AS ({enrollments}),
workshops AS (
    SELECT cohort_id, count(*) AS total FROM cohorts_scheduleitem
    WHERE kind = 'workshop' AND NOT cancelled AND cohort_id IN (SELECT cohort_id FROM e)
    GROUP BY cohort_id
),
attended AS (
    SELECT a.enrollment_id, count(DISTINCT a.item_id) AS n
    FROM cohorts_attendance a
    JOIN e ON e.id = a.enrollment_id
    JOIN cohorts_scheduleitem i ON i.id = a.item_id AND i.cohort_id = e.cohort_id
    WHERE a.attended AND i.kind = 'workshop' AND NOT i.cancelled
    GROUP BY a.enrollment_id
)
SELECT count(*), count(DISTINCT e.agent_id),
    count(*) FILTER (WHERE e.status = 'withdrawn'),
    count(*) FILTER (WHERE e.status = 'completed'),
    count(*) FILTER (WHERE e.status = 'not_completed'),
    count(*) FILTER (WHERE w.total > 0 AND a.n = w.total)
FROM e
LEFT JOIN workshops w ON w.cohort_id = e.cohort_id
LEFT JOIN attended a ON a.enrollment_id = e.id
"""


def funnel_totals(scope: Scope) -> tuple[dict, int]:
    """The funnel's figures (as `funnel_figures` makes them from the rows) and the number
    of agents enrolled, counted in SQL: no per-enrolment row is read. What it reads per
    enrolment is only each certified one's days to certification, for the median."""
    in_scope = scope.enrollments()
    connection = connections[in_scope.db]
    enrollments = in_scope.order_by().values("id", "cohort_id", "agent_id", "status")
    sql, params = enrollments.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(FUNNEL_COUNTS_SQL.format(enrollments=sql), params)
        names = ("enrolled", "agents", "withdrawn", "completed", "not_completed",
                 "attended_all_workshops")  # fmt: skip
        counts = dict(zip(names, cursor.fetchone(), strict=True))
    done = dict(
        ModuleProgress.objects.filter(
            enrollment__in=in_scope.values("pk"),
            prework_done_at__isnull=False,
            practice_attended_at__isnull=False,
        )
        .values("item__module_id")
        .annotate(n=Count("enrollment", distinct=True))
        .values_list("item__module_id", "n")
    )
    decided = {}
    for enrollment_id, decided_at, enrolled_at in CertificationDecision.objects.filter(
        enrollment__in=in_scope.values("pk"), revoked_at__isnull=True
    ).values_list("enrollment_id", "decided_at", "enrollment__enrolled_at"):
        decided.setdefault(enrollment_id, (decided_at - enrolled_at).days)
    modules = _funnel_modules(in_scope)
    enrolled, withdrawn = counts["enrolled"], counts["withdrawn"]
    certified, stayed = len(decided), enrolled - withdrawn
    completed, not_completed = counts["completed"], counts["not_completed"]
    closed = completed + not_completed
    result = {
        "enrolled": enrolled,
        "withdrawn": withdrawn,
        "stayed": stayed,
        "attended_all_workshops": counts["attended_all_workshops"],
        "modules": [
            {
                "module": m.pk,
                "phase": m.phase.name,
                "topic": m.topic,
                "completed": done.get(m.pk, 0),
            }
            for m in modules
        ],
        "certified": certified,
        "certification_rate": round(certified / enrolled, 4) if enrolled else None,
        "certification_rate_of_stayers": round(certified / stayed, 4) if stayed else None,
        "median_days_to_certification": figures.median([float(d) for d in decided.values()]),
        "certified_agents_behind_median": certified,
        "completed": completed,
        "not_completed": not_completed,
        "completion_rate_of_closed": round(completed / closed, 4) if closed else None,
    }
    return result, counts["agents"]


def _funnel_modules(in_scope) -> list[Module]:
    return list(
        Module.objects.filter(program__in=in_scope.values("program"))
        .select_related("phase")
        .order_by("program", "phase__order", "week")
    )


def funnel_report(scope: Scope) -> dict:
    """The funnel. HR reads the totals of everything in scope (no per-cohort or per-agent
    rows, so a small cohort is never shown on its own), counted in SQL; its rows are the
    step table. The whole funnel needs 5 agents enrolled, the median days to
    certification 5 certified."""
    if scope.detail:
        report = funnel(scope)
        for row in report["rows"]:
            del row["agent_id"]
        return report
    result, agents = funnel_totals(scope)
    notes = []
    if scope.hidden(agents):
        notes.append(f"funnel: {SUPPRESSED}")
        return {"figures": {"enrolled": None, "suppressed": True}, "rows": [], "notes": notes}
    if scope.hidden(result["completed"] + result["not_completed"]):
        # A rate over the agents whose cohort ended: those are its contributors.
        if result["completion_rate_of_closed"] is not None:
            notes.append(f"completion rate of ended cohorts: {SUPPRESSED} whose cohort ended")
        result["completion_rate_of_closed"] = None
    if scope.hidden(result["certified_agents_behind_median"]):
        notes.append(f"median days to certification: {SUPPRESSED} certified")
        result["median_days_to_certification"] = None
    steps = [{"step": step, "agents": agents} for step, agents in funnel_steps(result)]
    return {"figures": result, "rows": steps, "notes": notes}
