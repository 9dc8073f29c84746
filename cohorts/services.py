"""Operations on cohorts: opening and starting them, enrolment, progress, coaching, scores.

Every function is atomic, takes keyword arguments and raises ValidationError with field
names for anything a user got wrong.
"""

import datetime
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import (
    Attendance,
    CoachingPair,
    CoachingPairMember,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    ModuleProgress,
    RubricScore,
    ScheduleItem,
)
from cohorts.pairing import Member, rotation_weeks
from cohorts.schedule import schedule_sync
from cohorts.selectors import control_windows, in_control
from programs.models import Program, Rubric

CLOSED_STATUSES = (Cohort.Status.COMPLETED, Cohort.Status.CANCELLED)

# --- Cohorts -------------------------------------------------------------------------------


@transaction.atomic
def cohort_create(*, program: Program, created_by: User, **fields) -> Cohort:
    """Open a cohort of a published program; whoever opens it facilitates it."""
    if program.status != Program.Status.PUBLISHED:
        raise ValidationError({"program": "Cohorts can only be opened for a published program."})
    cohort = Cohort(program=program, **fields)
    cohort.full_clean()
    cohort.save()
    cohort.facilitators.add(created_by)
    return cohort


@transaction.atomic
def cohort_start(*, cohort: Cohort, now: datetime.datetime | None = None) -> Cohort:
    """Start a planned cohort: lay out its dated schedule and draw the coaching pairs."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status != Cohort.Status.PLANNED:
        raise ValidationError({"status": f"The cohort is {cohort.get_status_display()}."})
    cohort.status = Cohort.Status.RUNNING
    cohort.save(update_fields=["status"])
    schedule_sync(cohort=cohort, now=now)
    coaching_pairs_generate(cohort=cohort, now=now)
    return cohort


@transaction.atomic
def cohort_reschedule(
    *, cohort: Cohort, start_date: datetime.date, now: datetime.datetime | None = None
) -> Cohort:
    """Move the cohort's day 1; future items follow, past items and progress stay."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status in CLOSED_STATUSES:
        raise ValidationError({"start_date": "A closed cohort cannot be rescheduled."})
    cohort.start_date = start_date
    cohort.save(update_fields=["start_date"])
    if cohort.status == Cohort.Status.RUNNING:
        schedule_sync(cohort=cohort, now=now)
        coaching_pairs_generate(cohort=cohort, now=now)
    return cohort


def cohort_resync(*, cohort: Cohort, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring a running cohort's future schedule and pairs in line with its program."""
    if cohort.status != Cohort.Status.RUNNING:
        return {}
    with transaction.atomic():
        result = schedule_sync(cohort=cohort, now=now)
        coaching_pairs_generate(cohort=cohort, now=now)
    return result


# --- Enrolment -----------------------------------------------------------------------------


def _record_event(enrollment, from_status, by, reason=""):
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        from_status=from_status,
        to_status=enrollment.status,
        by=by,
        reason=reason,
    )


def _ensure_not_active_elsewhere(*, agent: User, program_id: int, exclude_pk=None) -> None:
    clash = (
        Enrollment.objects.filter(
            agent=agent, program_id=program_id, status=Enrollment.Status.ACTIVE
        )
        .exclude(pk=exclude_pk)
        .select_related("cohort")
        .first()
    )
    if clash:
        raise ValidationError(
            {"agent": f"{agent} is already enrolled in this program (cohort “{clash.cohort}”)."}
        )


@transaction.atomic
def enrollment_enroll(*, cohort: Cohort, agent: User, by: User | None = None) -> Enrollment:
    """Enrol one agent; an agent has at most one active enrolment per program."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status in CLOSED_STATUSES:
        raise ValidationError({"cohort": "This cohort is closed."})
    if agent.role != User.Role.AGENT:
        raise ValidationError({"agent": f"{agent} is a {agent.get_role_display()}, not an agent."})
    if Enrollment.objects.filter(cohort=cohort, agent=agent).exists():
        raise ValidationError({"agent": f"{agent} is already in this cohort."})
    _ensure_not_active_elsewhere(agent=agent, program_id=cohort.program_id)
    enrollment = Enrollment.objects.create(cohort=cohort, program_id=cohort.program_id, agent=agent)
    _record_event(enrollment, "", by, "enrolled")
    return enrollment


def _set_status(enrollment, status, *, by, reason, now):
    previous = enrollment.status
    enrollment.status = status
    enrollment.status_changed_at = now
    enrollment.save(update_fields=["status", "status_changed_at"])
    _record_event(enrollment, previous, by, reason)


@transaction.atomic
def enrollment_withdraw(
    *, enrollment: Enrollment, by: User | None = None, reason: str = "", now=None
) -> Enrollment:
    """Withdraw an agent: they leave future coaching weeks, which are re-paired."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise ValidationError({"status": f"The enrolment is {enrollment.get_status_display()}."})
    _set_status(enrollment, Enrollment.Status.WITHDRAWN, by=by, reason=reason, now=now)
    coaching_pairs_generate(cohort=enrollment.cohort, now=now)
    return enrollment


@transaction.atomic
def enrollment_reactivate(
    *, enrollment: Enrollment, by: User | None = None, reason: str = "", now=None
) -> Enrollment:
    """Bring a withdrawn agent back; they join the coaching pairs of future weeks."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.WITHDRAWN:
        raise ValidationError({"status": f"The enrolment is {enrollment.get_status_display()}."})
    _ensure_not_active_elsewhere(
        agent=enrollment.agent, program_id=enrollment.program_id, exclude_pk=enrollment.pk
    )
    _set_status(enrollment, Enrollment.Status.ACTIVE, by=by, reason=reason, now=now)
    coaching_pairs_generate(cohort=enrollment.cohort, now=now)
    return enrollment


# --- Schedule and progress -----------------------------------------------------------------


@transaction.atomic
def schedule_item_move(
    *, item: ScheduleItem, starts_at: datetime.datetime, location=None, video_link=None
) -> ScheduleItem:
    """Move one session; it keeps its length, and regeneration will not move it back."""
    item = ScheduleItem.objects.select_for_update().get(pk=item.pk)
    if item.kind == ScheduleItem.Kind.MODULE:
        raise ValidationError({"kind": "Module windows follow the program; move the cohort."})
    if item.cancelled:
        raise ValidationError({"cancelled": "This item was cancelled."})
    shift = starts_at - item.starts_at
    item.starts_at = starts_at
    item.ends_at += shift
    item.due_at += shift
    item.moved = True
    item.sequence += 1
    if location is not None:
        item.location = location
    if video_link is not None:
        item.video_link = video_link
    item.full_clean()
    item.save()
    return item


def _require_kind(item: ScheduleItem, kind: str) -> None:
    if item.kind != kind:
        raise ValidationError({"item": f"“{item.title}” is not a {kind} item."})


def _cohort_enrollments(item: ScheduleItem, enrollment_ids) -> list[Enrollment]:
    enrollments = list(Enrollment.objects.filter(cohort_id=item.cohort_id, pk__in=enrollment_ids))
    missing = set(enrollment_ids) - {e.pk for e in enrollments}
    if missing:
        raise ValidationError({"enrollments": f"Not enrolments of this cohort: {sorted(missing)}."})
    return enrollments


@transaction.atomic
def prework_mark_done(*, enrollment: Enrollment, item: ScheduleItem, now=None) -> ModuleProgress:
    """The agent marks their own pre-work for a module window done. Idempotent."""
    _require_kind(item, ScheduleItem.Kind.MODULE)
    if item.cohort_id != enrollment.cohort_id:
        raise ValidationError({"item": "This module is not part of your cohort."})
    progress, _ = ModuleProgress.objects.get_or_create(enrollment=enrollment, item=item)
    if progress.prework_done_at is None:
        progress.prework_done_at = now or timezone.now()
        progress.save(update_fields=["prework_done_at"])
    return progress


@transaction.atomic
def practice_record(*, item: ScheduleItem, attended: dict[int, bool], by: User, now=None) -> int:
    """A facilitator records live-practice attendance for any number of agents at once."""
    _require_kind(item, ScheduleItem.Kind.MODULE)
    now = now or timezone.now()
    enrollments = _cohort_enrollments(item, attended)
    existing = {
        p.enrollment_id: p
        for p in ModuleProgress.objects.filter(item=item, enrollment__in=enrollments)
    }
    to_create, to_update = [], []
    for enrollment in enrollments:
        progress = existing.get(enrollment.pk) or ModuleProgress(enrollment=enrollment, item=item)
        progress.practice_attended_at = now if attended[enrollment.pk] else None
        progress.practice_recorded_by = by
        (to_update if progress.pk else to_create).append(progress)
    ModuleProgress.objects.bulk_create(to_create)
    ModuleProgress.objects.bulk_update(to_update, ["practice_attended_at", "practice_recorded_by"])
    return len(enrollments)


@transaction.atomic
def attendance_record(*, item: ScheduleItem, attended: dict[int, bool], by: User) -> int:
    """A facilitator records workshop attendance for one agent or the whole room."""
    _require_kind(item, ScheduleItem.Kind.WORKSHOP)
    enrollments = _cohort_enrollments(item, attended)
    Attendance.objects.bulk_create(
        [
            Attendance(enrollment=e, item=item, attended=attended[e.pk], recorded_by=by)
            for e in enrollments
        ],
        update_conflicts=True,
        unique_fields=["enrollment", "item"],
        update_fields=["attended", "recorded_by", "recorded_at"],
    )
    return len(enrollments)


# --- Coaching pairs ------------------------------------------------------------------------


def _group_keys(groups):
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                yield frozenset((a, b))


def _weeks_by_members(weeks, agents, control):
    """Consecutive runs of weeks that have the same eligible agents."""
    runs: list[tuple[list, list]] = []
    for item in weeks:
        members = [
            row for row in agents if not in_control(control, row[1], item.starts_at, item.ends_at)
        ]
        if runs and runs[-1][0] == members:
            runs[-1][1].append(item)
        else:
            runs.append((members, [item]))
    return runs


@transaction.atomic
def coaching_pairs_generate(*, cohort: Cohort, now: datetime.datetime | None = None) -> int:
    """(Re)draw the coaching pairs of every coaching week that has not started yet.

    Weeks already under way keep their pairs. Future weeks are drawn again from the active
    agents with the cohort's seed, avoiding partners met in kept weeks, so the result is
    the same for the same seed and agents. Returns the number of weeks drawn.
    """
    now = now or timezone.now()
    weeks = list(
        ScheduleItem.objects.filter(
            cohort=cohort, kind=ScheduleItem.Kind.COACHING, cancelled=False
        ).order_by("coaching_week")
    )
    future = [item for item in weeks if item.starts_at > now]
    CoachingPair.objects.filter(cohort=cohort, item__in=future).delete()
    met_before = Counter(
        _group_keys(
            tuple(m.enrollment_id for m in pair.members.all())
            for pair in CoachingPair.objects.filter(cohort=cohort).prefetch_related("members")
        )
    )
    agents = list(
        Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.ACTIVE).values_list(
            "pk", "agent_id", "agent__team_id"
        )
    )
    control = control_windows(agent_ids=[agent for _, agent, _ in agents])
    drawn = []
    # Weeks with the same people are drawn together; an experiment's control group sits
    # out the weeks that overlap its window.
    for members, weeks in _weeks_by_members(future, agents, control):
        groups = rotation_weeks(
            members=[Member(id=pk, team_id=team) for pk, _, team in members],
            weeks=len(weeks),
            seed=cohort.pairing_seed,
            avoid_same_team=cohort.avoid_same_team_pairs,
            met_before=met_before,
        )
        for item, week_groups in zip(weeks, groups, strict=True):
            drawn.append((item, week_groups))
            met_before.update(_group_keys(week_groups))
    drawn.sort(key=lambda pair: pair[0].coaching_week)
    pairs, members = [], []
    for item, groups in drawn:
        for group in groups:
            pair = CoachingPair(cohort=cohort, week=item.coaching_week, item=item)
            pairs.append(pair)
            members.extend(
                CoachingPairMember(pair=pair, enrollment_id=e, cohort=cohort, week=pair.week)
                for e in group
            )
    CoachingPair.objects.bulk_create(pairs)
    for member in members:
        member.pair_id = member.pair.pk
    CoachingPairMember.objects.bulk_create(members)
    return len(future)


@transaction.atomic
def coaching_session_record(
    *, pair: CoachingPair, session: str, notes: str = "", now=None
) -> CoachingPair:
    """Record whether the pair's weekly session was held or missed."""
    if session not in (CoachingPair.Session.HELD, CoachingPair.Session.MISSED):
        raise ValidationError({"session": "Record the session as held or missed."})
    pair.session = session
    pair.session_notes = notes
    pair.session_recorded_at = now or timezone.now()
    pair.save(update_fields=["session", "session_notes", "session_recorded_at"])
    return pair


# --- Rubric scores -------------------------------------------------------------------------

PERCENT = Decimal("0.01")


def rubric_values_errors(*, rubric: Rubric, values) -> list[str]:
    """What is wrong with `values` for `rubric`, one message per criterion."""
    if not isinstance(values, dict):
        return ["Give one score per criterion, as {criterion key: score}."]
    criteria = {c.key: c for c in rubric.criteria.all()}
    errors = [f"“{key}” is not a criterion of {rubric}." for key in values if key not in criteria]
    for key, criterion in criteria.items():
        value = values.get(key)
        if value is None:
            errors.append(f"“{key}” ({criterion.name}) needs a score.")
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"“{key}” must be a whole number, not {value!r}.")
        elif not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(
                f"“{key}” must be between {criterion.scale_min} and {criterion.scale_max}, "
                f"not {value}."
            )
    return errors


def rubric_percent(*, rubric: Rubric, values: dict[str, int]) -> Decimal:
    """Weighted mean of score / scale maximum, as a percentage with two decimals."""
    criteria = list(rubric.criteria.all())
    total_weight = sum(c.weight for c in criteria)
    weighted = sum(c.weight * Decimal(values[c.key]) / c.scale_max for c in criteria)
    return (weighted / total_weight * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def rubric_score_create(
    *,
    rubric: Rubric,
    scorer: User,
    subject: User,
    context: str,
    values: dict,
    scored_at: datetime.datetime | None = None,
    **details,
) -> RubricScore:
    """Record one application of a published rubric version; the percentage is derived."""
    if not rubric.is_published:
        raise ValidationError({"rubric": f"{rubric} is a draft; scores use published versions."})
    if scorer.pk == subject.pk:
        raise ValidationError({"subject": "Nobody scores themselves."})
    if context not in RubricScore.Context.values:
        raise ValidationError({"context": f"“{context}” is not a score context."})
    errors = rubric_values_errors(rubric=rubric, values=values)
    if errors:
        raise ValidationError({"values": errors})
    return RubricScore.objects.create(
        rubric=rubric,
        scorer=scorer,
        subject=subject,
        context=context,
        values=values,
        percent=rubric_percent(rubric=rubric, values=values),
        scored_at=scored_at or timezone.now(),
        **details,
    )


def peer_score_create(
    *, pair: CoachingPair, scorer: User, subject: User, values: dict, **details
) -> RubricScore:
    """One partner scores another with the program's rubric version."""
    member_agents = set(pair.members.values_list("enrollment__agent_id", flat=True))
    if scorer.pk not in member_agents:
        raise ValidationError({"pair": "Only members of this pair score each other."})
    if subject.pk not in member_agents:
        raise ValidationError({"subject": "The person scored must be your partner in this pair."})
    return rubric_score_create(
        rubric=pair.cohort.program.rubric,
        scorer=scorer,
        subject=subject,
        context=RubricScore.Context.PEER,
        values=values,
        cohort=pair.cohort,
        coaching_pair=pair,
        **details,
    )


# --- Experiments ---------------------------------------------------------------------------


@transaction.atomic
def experiment_create(
    *,
    name: str,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    cohort: Cohort | None = None,
    teams=(),
    seed: int | None = None,
    created_by: User | None = None,
):
    """Split the agents of a cohort (or of some teams) at random into treatment and control,
    within each team so both groups have the same mix; the seed is recorded.

    Control agents are left out of coaching pairs (future weeks are re-drawn now) and their
    modules and coaching weeks in the window do not count against their progress.
    """
    import random

    from cohorts.models import Experiment, ExperimentAssignment

    if (cohort is None) == (not teams):
        raise ValidationError({"cohort": "Choose a cohort or some teams (not both)."})
    experiment = Experiment(
        name=name,
        cohort=cohort,
        window_start=window_start,
        window_end=window_end,
        seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
        created_by=created_by,
    )
    experiment.full_clean()
    experiment.save()
    experiment.teams.set(teams)
    if cohort is not None:
        agents = User.objects.filter(
            enrollments__cohort=cohort, enrollments__status=Enrollment.Status.ACTIVE
        )
    else:
        agents = User.objects.filter(team__in=teams, role=User.Role.AGENT, is_active=True)
    by_team: dict[int | None, list[User]] = {}
    for agent in agents.order_by("pk").distinct():
        by_team.setdefault(agent.team_id, []).append(agent)
    rng = random.Random(experiment.seed)
    rows, offset = [], 0
    for team_id in sorted(by_team, key=lambda t: (t is None, t)):
        members = by_team[team_id]
        rng.shuffle(members)
        for index, agent in enumerate(members):
            # Alternate which group gets a team's odd one out, so totals stay balanced.
            treatment = (index + offset) % 2 == 0
            group = (
                ExperimentAssignment.Group.TREATMENT
                if treatment
                else ExperimentAssignment.Group.CONTROL
            )
            rows.append(
                ExperimentAssignment(
                    experiment=experiment, agent=agent, team_id=team_id, group=group
                )
            )
        offset += len(members) % 2
    ExperimentAssignment.objects.bulk_create(rows)
    for running in Cohort.objects.filter(
        status=Cohort.Status.RUNNING, enrollments__agent__in=[r.agent for r in rows]
    ).distinct():
        coaching_pairs_generate(cohort=running)
    return experiment
