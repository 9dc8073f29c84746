"""The signed-in agent's plan and outcomes, and the rows a plan page reads."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from django.db.models import QuerySet
from django.utils import timezone

from cohorts.models import (
    CoachingPair,
    Enrollment,
    ModuleProgress,
    RubricScore,
    ScheduleItem,
)
from cohorts.selectors.progress import AgentProgress, _CohortFacts

# --- My plan -------------------------------------------------------------------------------


@dataclass
class Plan:
    enrollment: Enrollment
    progress: AgentProgress
    this_week_module: ScheduleItem | None
    prework_done: bool
    upcoming: list[ScheduleItem]
    coaching_week: ScheduleItem | None
    partners: list[Enrollment]
    scores: list[RubricScore] | list[dict]


UPCOMING_LIMIT = 5


def my_plan(
    *, user, now: datetime.datetime | None = None, score_columns: Sequence[str] = ()
) -> list[Plan]:
    """The signed-in agent's plan in each cohort they are active in (usually one).

    Scores are model instances with their rubric and scorer (the page), or with
    `score_columns` `.values()` rows of those columns, which must hold `cohort_id` (the
    API, which writes them as they are and needs no instance per score)."""
    now = now or timezone.now()
    enrollments = list(
        Enrollment.objects.filter(agent=user, status=Enrollment.Status.ACTIVE)
        .select_related("cohort", "cohort__program")
        .order_by("cohort__start_date")
    )
    for enrollment in enrollments:
        enrollment.agent = user  # the signed-in user: no need to read them again
    in_force = RubricScore.objects.filter(subject=user, superseded_by__isnull=True).order_by(
        "-scored_at"
    )
    # The criteria of each score's rubric are the plan page's to read (the API shows none).
    if score_columns:
        scores = list(in_force.values(*score_columns)[:20])
        cohort_of = itemgetter("cohort_id")
    else:
        scores = list(in_force.select_related("rubric", "scorer")[:20])
        cohort_of = attrgetter("cohort_id")
    plans = []
    for enrollment in enrollments:
        cohort = enrollment.cohort
        facts = _CohortFacts(cohort, [enrollment])
        progress = facts.agent_progress(cohort, enrollment, now)
        current = [item for item in facts.items if item.starts_at <= now < item.ends_at]
        upcoming_modules = [
            i for i in facts.items if i.kind == ScheduleItem.Kind.MODULE and i.ends_at > now
        ]
        module = next(
            (i for i in current if i.kind == ScheduleItem.Kind.MODULE),
            upcoming_modules[0] if upcoming_modules else None,
        )
        coaching = next((i for i in current if i.kind == ScheduleItem.Kind.COACHING), None)
        plans.append(
            Plan(
                enrollment=enrollment,
                progress=progress,
                this_week_module=module,
                prework_done=bool(module and (enrollment.pk, module.pk) in facts.prework_done),
                upcoming=[
                    i
                    for i in facts.items
                    if i.kind != ScheduleItem.Kind.MODULE and i.starts_at > now
                ][:UPCOMING_LIMIT],
                coaching_week=coaching,
                partners=list(
                    Enrollment.objects.filter(
                        pk__in=facts.partner_ids.get((enrollment.pk, coaching.coaching_week), [])
                    )
                    .select_related("agent")
                    # One cohort's: the default order would join it to sort by it.
                    .order_by("agent__display_name", "agent__email")
                )
                if coaching
                else [],
                scores=[s for s in scores if cohort_of(s) in (None, cohort.pk)],
            )
        )
    return plans


def my_outcomes(*, user) -> QuerySet[Enrollment]:
    """The agent's enrolments in cohorts that ended: completed or not, with what was missing."""
    return (
        Enrollment.objects.filter(
            agent=user,
            status__in=[Enrollment.Status.COMPLETED, Enrollment.Status.NOT_COMPLETED],
        )
        .select_related("cohort__program")
        .order_by("-status_changed_at")
    )


def module_progress_of(*, enrollment: Enrollment, item: ScheduleItem) -> ModuleProgress | None:
    """The agent's pre-work and live-practice record for one module window, if any."""
    return ModuleProgress.objects.filter(enrollment=enrollment, item=item).first()


def coaching_pair_of(*, enrollment: Enrollment, week: int) -> CoachingPair | None:
    """The pair the enrolment is in for a coaching week, if any."""
    return (
        CoachingPair.objects.filter(members__enrollment=enrollment, week=week)
        .select_related("item")
        .first()
    )


def coaching_pair_of_agent(*, user, pair_id: int) -> CoachingPair | None:
    """One of the agent's own coaching pairs, with its week and cohort, while they are active
    in the cohort; None for any other pair, so that nobody outside a pair (or withdrawn from
    it) can read or act on it."""
    return (
        CoachingPair.objects.filter(
            pk=pair_id,
            members__enrollment__agent=user,
            members__enrollment__status=Enrollment.Status.ACTIVE,
        )
        .select_related("item", "cohort__program__rubric")
        .first()
    )


def facilitator_choices() -> QuerySet:
    """Who may facilitate a cohort: active training managers and coaches."""
    from accounts.models import User

    return User.objects.filter(
        role__in=[User.Role.MANAGER, User.Role.COACH], is_active=True
    ).order_by("display_name", "email")
