"""What a person may see of reviews, and the coach's home page."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from certification.models import RolePlayAssessment
from cohorts.models import RubricScore
from cohorts.scope import managed_cohorts
from insights.models import CalibrationSession
from reviews.models import ReviewAssignment


def assignment_visible_to(*, user):
    """Coaches: the assignments they review, and those of cohorts they facilitate;
    managers: those of the cohorts in their scope; agents and HR: none."""
    assignments = ReviewAssignment.objects.select_related(
        "plan__cohort", "agent", "reviewer", "interaction"
    )
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
    open_ = list(mine.filter(status=ReviewAssignment.Status.ASSIGNED).order_by("due_at", "pk"))
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
