"""What a person may see of reviews, and the coach's home page."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone

from accounts.models import User
from certification.models import CERTIFIABLE_CONTEXTS, RolePlayAssessment
from certification.services import certification_status
from cohorts.models import Enrollment, RubricScore
from cohorts.scope import managed_agents, managed_cohorts
from insights.models import CalibrationSession
from reviews.assignment import ROUTED_ESCALATED
from reviews.models import ReviewAssignment


def assignment_visible_to(*, user):
    """Coaches: the assignments they review, and those of cohorts they facilitate;
    managers: those of the cohorts in their scope; agents and HR: none."""
    assignments = ReviewAssignment.objects.select_related(
        "plan__cohort", "agent", "reviewer", "interaction"
    )
    if not user.is_authenticated:  # the schema generator asks as nobody
        return assignments.none()
    if user.is_superuser:
        return assignments
    if user.is_manager:
        return assignments.filter(plan__cohort__in=managed_cohorts(user=user))
    if user.role == user.Role.COACH:
        return assignments.filter(Q(reviewer=user) | Q(plan__cohort__facilitators=user)).distinct()
    return assignments.none()


@dataclass
class CoachHome:
    overdue: list[ReviewAssignment]
    due: list[ReviewAssignment]
    done_this_week: list[ReviewAssignment]
    role_plays: list[RolePlayAssessment]
    calibrations: list[CalibrationSession]
    recent: list[RubricScore]


def coach_home(*, user, now: datetime.datetime | None = None) -> CoachHome:
    """My queue (overdue, due, done this week), my role-plays to assess, my open
    calibration sessions and my recent reviews."""
    now = now or timezone.now()
    mine = ReviewAssignment.objects.filter(reviewer=user).select_related(
        "agent", "interaction", "plan__cohort"
    )
    # Routed reviews (high intensity, escalated) first among those due at the same time.
    routed_first = Case(
        When(routing_reason__startswith="high intensity", then=Value(0)),
        When(routing_reason=ROUTED_ESCALATED, then=Value(1)),
        default=Value(2),
    )
    open_ = list(
        mine.filter(status=ReviewAssignment.Status.ASSIGNED).order_by("due_at", routed_first, "pk")
    )
    week_start = timezone.localtime(now).date() - datetime.timedelta(
        days=timezone.localtime(now).weekday()
    )
    done = list(
        mine.filter(
            status=ReviewAssignment.Status.SUBMITTED,
            completed_at__date__gte=week_start,
        ).order_by("-completed_at")
    )
    role_plays = list(
        RolePlayAssessment.objects.filter(
            assessor=user, status=RolePlayAssessment.Status.BOOKED
        ).select_related("enrollment__agent", "scenario")
    )
    calibrations = [
        session
        for session in CalibrationSession.objects.filter(reviewers=user).annotate(
            total=Count("interactions", distinct=True),
            mine=Count("scores", filter=Q(scores__reviewer=user), distinct=True),
        )
        if session.mine < session.total
    ]
    recent = list(
        RubricScore.objects.filter(scorer=user)
        .exclude(context=RubricScore.Context.CALIBRATION)
        .select_related("subject", "rubric")
        .order_by("-scored_at")[:5]
    )
    return CoachHome(
        overdue=[a for a in open_ if a.due_at < now],
        due=[a for a in open_ if a.due_at >= now],
        done_this_week=done,
        role_plays=role_plays,
        calibrations=calibrations,
        recent=recent,
    )


# --- The scorecard -------------------------------------------------------------------------


@dataclass
class Scorecard:
    agent: object
    weeks: list[str]  # Mondays, ISO dates, oldest first
    criteria: list[dict]  # name, key, scale_max, means (one per week, None without a score)
    weakest: dict | None
    average_percent: float | None
    threshold_percent: float
    distance_to_bar: float | None  # percentage points still to go (0 when at or above)


def scorecard(*, agent, weeks: int = 8, now=None) -> Scorecard:
    """The agent's certifying scores (in force) of the last `weeks` weeks: each criterion's
    weekly mean, the weakest criterion, and the distance of the gate's recent average to
    the bar of the agent's current program."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    mondays = [monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    scores = list(
        RubricScore.objects.filter(
            subject=agent,
            superseded_by__isnull=True,
            context__in=CERTIFIABLE_CONTEXTS,
            scored_at__date__gte=mondays[0],
        )
        .select_related("rubric")
        .prefetch_related("rubric__criteria")
    )
    cells: dict[tuple[str, datetime.date], list[int]] = {}
    criteria: dict[str, object] = {}
    for score in scores:
        week = timezone.localtime(score.scored_at).date()
        week -= datetime.timedelta(days=week.weekday())
        for criterion in score.rubric.criteria.all():
            if criterion.key in score.values:
                criteria.setdefault(criterion.key, criterion)
                cells.setdefault((criterion.key, week), []).append(score.values[criterion.key])
    rows = []
    for key, criterion in sorted(criteria.items(), key=lambda item: item[1].order):
        means = [
            round(sum(v) / len(v), 2) if (v := cells.get((key, day))) else None for day in mondays
        ]
        given = [value for day in mondays for value in cells.get((key, day), [])]
        rows.append(
            {
                "key": key,
                "name": criterion.name,
                "scale_max": criterion.scale_max,
                "means": means,
                "overall": round(sum(given) / len(given), 2),
            }
        )
    weakest = min(rows, key=lambda row: row["overall"] / row["scale_max"], default=None)
    enrollment = (
        Enrollment.objects.filter(agent=agent, status=Enrollment.Status.ACTIVE)
        .select_related("program")
        .first()
    )
    average, threshold = None, 70.0
    if enrollment is not None:
        status = certification_status(enrollment=enrollment)
        threshold = float(status.gate.threshold_percent)
        average = None if status.average is None else float(status.average)
    return Scorecard(
        agent=agent,
        weeks=[day.isoformat() for day in mondays],
        criteria=rows,
        weakest=weakest,
        average_percent=average,
        threshold_percent=threshold,
        distance_to_bar=None if average is None else round(max(threshold - average, 0), 2),
    )


def scorecard_agents_visible_to(*, user):
    """Whose scorecard the user may open: their own (agents), the agents of the cohorts a
    coach reviews or facilitates, a manager's agents; never HR."""
    if user.is_hr:
        return User.objects.none()
    if user.is_manager:
        return managed_agents(user=user)
    if user.role == User.Role.COACH:
        return User.objects.filter(
            Q(reviews_received__reviewer=user)
            | Q(enrollments__cohort__facilitators=user)
            | Q(enrollments__cohort__review_plan__coaches=user)
        ).distinct()
    return User.objects.filter(pk=user.pk)
