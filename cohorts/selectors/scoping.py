"""Which cohorts, enrolments, schedule items, experiments, pairs and scores a person may
read; experiments' control windows; whether someone facilitates a cohort."""

from collections import defaultdict

from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from cohorts.models import (
    CoachingPair,
    Cohort,
    Enrollment,
    RubricScore,
    ScheduleItem,
)
from cohorts.scope import managed_cohort_ids, managed_cohorts, managed_teams
from programs.models import Phase


def cohort_visible_to(*, user) -> QuerySet[Cohort]:
    """Facilitators see the cohorts they run; agents the cohorts they are enrolled in."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    if user.is_manager:
        return managed_cohorts(user=user)
    return Cohort.objects.filter(enrollments__agent=user).distinct()


def with_program_days(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """The cohorts with their program's length (`program_days`), so that `last_day` and
    `ends_at()` need no query per cohort."""
    last = Phase.objects.filter(program=OuterRef("program")).order_by("-last_day")
    return cohorts.annotate(program_days=Subquery(last.values("last_day")[:1]))


def enrollment_visible_to(*, user) -> QuerySet[Enrollment]:
    if not user.is_authenticated:
        return Enrollment.objects.none()
    if user.is_manager:
        return Enrollment.objects.filter(cohort__in=managed_cohorts(user=user))
    return Enrollment.objects.filter(agent=user)


def schedule_item_visible_to(*, user) -> QuerySet[ScheduleItem]:
    return ScheduleItem.objects.filter(cohort__in=cohort_visible_to(user=user))


def experiment_visible_to(*, user):
    """HR reads every experiment (its results in aggregate); a manager those on a cohort
    they facilitate, or on teams that are all theirs (the results list agents)."""
    from accounts.models import Team
    from cohorts.models import Experiment

    if not user.is_authenticated:
        return Experiment.objects.none()
    if user.is_hr or user.is_superuser:
        return Experiment.objects.all()
    if not user.is_manager:
        return Experiment.objects.none()
    others = Team.objects.exclude(pk__in=managed_teams(user=user))
    on_my_teams = Experiment.objects.filter(cohort__isnull=True).exclude(teams__in=others)
    return Experiment.objects.filter(
        Q(cohort__in=managed_cohorts(user=user)) | Q(pk__in=on_my_teams)
    )


def coaching_pair_visible_to(*, user) -> QuerySet[CoachingPair]:
    """Agents see the pairs they are in; facilitators their cohorts' pairs."""
    if not user.is_authenticated:
        return CoachingPair.objects.none()
    if user.is_manager:
        return CoachingPair.objects.filter(cohort__in=managed_cohorts(user=user))
    return CoachingPair.objects.filter(members__enrollment__agent=user).distinct()


def rubric_score_visible_to(*, user) -> QuerySet[RubricScore]:
    """Agents see scores about them and the peer scores they gave; coaches the scores they
    gave; facilitators their cohorts' scores. HR sees none: feedback is never theirs."""
    if not user.is_authenticated or user.is_hr:
        return RubricScore.objects.none()
    if user.is_manager:
        return RubricScore.objects.filter(cohort__in=managed_cohort_ids(user=user))
    if user.role == user.Role.COACH:
        return RubricScore.objects.filter(scorer=user)
    return RubricScore.objects.filter(Q(subject=user) | Q(scorer=user))


def control_windows(*, agent_ids) -> dict[int, list[tuple]]:
    """For agents in an experiment's control group: their (start, end) windows."""
    from cohorts.models import ExperimentAssignment

    windows: dict[int, list[tuple]] = defaultdict(list)
    rows = ExperimentAssignment.objects.filter(
        agent__in=agent_ids, group=ExperimentAssignment.Group.CONTROL
    ).values_list("agent_id", "experiment__window_start", "experiment__window_end")
    for agent_id, start, end in rows:
        windows[agent_id].append((start, end))
    return windows


def control_assignments_overlapping(*, agent, starts, ends):
    """An agent's control-group assignments whose window overlaps [starts, ends), the
    same test as `in_control` in SQL (arguments may be OuterRef, for an Exists)."""
    from cohorts.models import ExperimentAssignment

    return ExperimentAssignment.objects.filter(
        agent=agent,
        group=ExperimentAssignment.Group.CONTROL,
        experiment__window_start__lt=ends,
        experiment__window_end__gt=starts,
    )


def in_control(windows, agent_id: int, start, end) -> bool:
    """Whether [start, end) overlaps one of the agent's control windows."""
    return any(s < end and start < e for s, e in windows.get(agent_id, ()))


def is_facilitator(*, user, cohort: Cohort) -> bool:
    # Iterating uses the facilitators prefetched by the cohort views: no extra query.
    return user.is_superuser or any(f.pk == user.pk for f in cohort.facilitators.all())
