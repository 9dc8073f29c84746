"""Measurement operations: drawing the baseline sample, scoring it, calibration sessions."""

import datetime
import logging
import random
from collections import Counter
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from cohorts.models import Cohort, Enrollment, RubricScore
from cohorts.services import rubric_score_create, rubric_values_errors
from insights.models import (
    BaselineAssessment,
    BaselineItem,
    CalibrationConsensus,
    CalibrationScore,
    CalibrationSession,
    Interaction,
)
from programs.models import Rubric

REVIEWER_ROLES = (User.Role.COACH, User.Role.MANAGER)

logger = logging.getLogger(__name__)


def population(
    *, cohort: Cohort | None, team: Team | None, start: datetime.datetime, end: datetime.datetime
):
    """Interactions of the cohort's agents (or the team's members) inside the window."""
    interactions = Interaction.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if cohort is not None:
        agents = Enrollment.objects.filter(cohort=cohort).values("agent")
        return interactions.filter(agent__in=agents)
    return interactions.filter(agent__team=team)


def stratified_allocation(volumes: dict[str, int], size: int) -> dict[str, int]:
    """How many to draw per channel: proportional to volume, largest remainders first."""
    total = sum(volumes.values())
    size = min(size, total)
    if total == 0:
        return dict.fromkeys(volumes, 0)
    quotas = {channel: size * count / total for channel, count in volumes.items()}
    allocation = {channel: int(quota) for channel, quota in quotas.items()}
    by_remainder = sorted(volumes, key=lambda c: (-(quotas[c] - allocation[c]), c))
    for channel in by_remainder[: size - sum(allocation.values())]:
        allocation[channel] += 1
    return allocation


def reviewer_errors(reviewers) -> list[str]:
    if not reviewers:
        return ["Choose at least one reviewer."]
    return [
        f"{person} is a {person.get_role_display()}; reviewers are coaches or managers."
        for person in reviewers
        if person.role not in REVIEWER_ROLES and not person.is_superuser
    ]


@transaction.atomic
def baseline_create(
    *,
    name: str,
    rubric: Rubric,
    reviewers: list[User],
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    cohort: Cohort | None = None,
    team: Team | None = None,
    sample_size: int = 200,
    seed: int | None = None,
    created_by: User | None = None,
    kind: str = BaselineAssessment.Kind.BASELINE,
    compared_to: BaselineAssessment | None = None,
) -> BaselineAssessment:
    """Draw the baseline sample and share it evenly among the reviewers.

    The sample is stratified by channel in proportion to volume, leaves out interactions
    sampled before, and is the same for the same seed and population (the seed is recorded;
    one is chosen when none is given).
    """
    if errors := reviewer_errors(reviewers):
        raise ValidationError({"reviewers": errors})
    if not rubric.is_published:
        raise ValidationError({"rubric": "Use a published rubric version."})
    assessment = BaselineAssessment(
        name=name,
        rubric=rubric,
        cohort=cohort,
        team=team,
        window_start=window_start,
        window_end=window_end,
        sample_size=sample_size,
        seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
        created_by=created_by,
        kind=kind,
        compared_to=compared_to,
    )
    assessment.full_clean()
    assessment.save()
    assessment.reviewers.set(reviewers)
    candidates = (
        population(cohort=cohort, team=team, start=window_start, end=window_end)
        .filter(baseline_item__isnull=True)
        .values_list("pk", "channel")
        .order_by("pk")
    )
    by_channel: dict[str, list[int]] = {}
    for pk, channel in candidates:
        by_channel.setdefault(channel, []).append(pk)
    allocation = stratified_allocation(
        {channel: len(ids) for channel, ids in by_channel.items()}, sample_size
    )
    rng = random.Random(assessment.seed)
    sample = [
        pk
        for channel in sorted(by_channel)
        for pk in rng.sample(by_channel[channel], allocation[channel])
    ]
    rng.shuffle(sample)
    ordered = sorted(reviewers, key=lambda person: person.pk)
    BaselineItem.objects.bulk_create(
        BaselineItem(assessment=assessment, interaction_id=pk, reviewer=ordered[i % len(ordered)])
        for i, pk in enumerate(sample)
    )
    return assessment


# --- After the program: end of program and follow-up -----------------------------------------

FOLLOW_UP_AFTER_DAYS = 90  # the follow-up is drawn on the finish day + 90, locally
MEASUREMENT_WINDOW_DAYS = 30  # each assessment after the program samples 30 local days
MEASUREMENT_SWEEP_BATCH = 50  # cohorts per sweep run; the next run takes the rest
NO_INTERACTIONS = "No interactions of the cohort's agents in the window: nothing to score."


def _local_midnight(cohort: Cohort, day: datetime.date) -> datetime.datetime:
    zone = ZoneInfo(cohort.time_zone)
    return datetime.datetime.combine(day, datetime.time.min, zone).astimezone(datetime.UTC)


def cohort_finished_on(*, cohort: Cohort) -> datetime.date:
    """The cohort's finish date, locally: its last day, or the day a manager closed it
    early when that came first."""
    closed = cohort.closed_at.astimezone(ZoneInfo(cohort.time_zone)).date()
    return min(cohort.last_day, closed)


def measurement_window(*, cohort: Cohort, kind: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC window an assessment after the program samples, from local midnights: end
    of program, the 30 days up to and including the finish date; follow-up, the 30 days
    before the follow-up day (finish date + 90). The draw happens when the window ends, so
    it is the same whenever the sweep runs."""
    finished = cohort_finished_on(cohort=cohort)
    if kind == BaselineAssessment.Kind.FOLLOW_UP:
        last = finished + datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS - 1)
    else:
        last = finished
    first = last - datetime.timedelta(days=MEASUREMENT_WINDOW_DAYS - 1)
    return (
        _local_midnight(cohort, first),
        _local_midnight(cohort, last + datetime.timedelta(days=1)),
    )


def cohort_baseline(*, cohort: Cohort) -> BaselineAssessment | None:
    """The cohort's baseline: the latest one drawn for it, if any."""
    return (
        BaselineAssessment.objects.filter(cohort=cohort, kind=BaselineAssessment.Kind.BASELINE)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def assessment_after_program_draw(
    *, cohort: Cohort, kind: str, now: datetime.datetime | None = None
) -> BaselineAssessment | None:
    """Draw a finished cohort's end-of-program or follow-up assessment, once its window has
    ended, with the baseline's sampling (stratified by channel, proportional to volume,
    leaving out interactions sampled before).

    It uses the cohort's baseline's rubric, reviewers, sample size and seed when there is
    a baseline; otherwise the program's rubric, the cohort's facilitators who are coaches
    or managers, 200 and the cohort's id. Its population is every agent enrolled in the
    cohort, as for the baseline, so the comparison is like for like. With no interactions
    it is still recorded (empty, with a note). At most one of each kind per cohort: a
    rerun returns the one there is. Returns None when it is not due or cannot be drawn
    (no reviewer, no published rubric: logged, tried again on the next run)."""
    now = now or timezone.now()
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    existing = BaselineAssessment.objects.filter(cohort=cohort, kind=kind).first()
    if existing is not None:
        return existing
    if cohort.status != Cohort.Status.FINISHED or cohort.closed_at is None:
        return None
    start, end = measurement_window(cohort=cohort, kind=kind)
    if now < end:
        return None
    baseline = cohort_baseline(cohort=cohort)
    if baseline is not None:
        rubric, reviewers = baseline.rubric, list(baseline.reviewers.all())
        sample_size, seed = baseline.sample_size, baseline.seed
    else:
        rubric = cohort.program.rubric
        reviewers = list(cohort.facilitators.filter(role__in=REVIEWER_ROLES, is_active=True))
        sample_size, seed = 200, cohort.pk
    if rubric is None or not rubric.is_published or not reviewers:
        logger.warning("Cohort %s: no published rubric or reviewer for its %s", cohort.pk, kind)
        return None
    label = BaselineAssessment.Kind(kind).label
    assessment = baseline_create(
        name=f"{cohort.name}: {label.lower()}"[:200],
        rubric=rubric,
        reviewers=reviewers,
        window_start=start,
        window_end=end,
        cohort=cohort,
        sample_size=sample_size,
        seed=seed,
        kind=kind,
        compared_to=baseline,
    )
    if not assessment.items.exists():
        assessment.note = NO_INTERACTIONS
        assessment.save(update_fields=["note"])
    return assessment


def measurement_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Draw what is due for finished cohorts: the end-of-program assessment once they
    finish, the follow-up on the finish date + 90 days (local midnight, in the cohort's
    time zone). At most MEASUREMENT_SWEEP_BATCH cohorts per kind per run; safe to rerun
    and to run side by side (each draw locks the cohort and the database allows one of
    each kind per cohort)."""
    now = now or timezone.now()
    counts = {}
    # A follow-up is due about 89 days after the close-out; a day of margin covers DST.
    due_after = {
        BaselineAssessment.Kind.END_OF_PROGRAM: now,
        BaselineAssessment.Kind.FOLLOW_UP: now - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS - 2),
    }
    for kind, closed_by in due_after.items():
        drawn = BaselineAssessment.objects.filter(kind=kind, cohort__isnull=False)
        candidates = (
            Cohort.objects.filter(status=Cohort.Status.FINISHED, closed_at__lte=closed_by)
            .exclude(pk__in=drawn.values("cohort"))
            .order_by("closed_at", "pk")
        )
        counts[kind] = 0
        for cohort in candidates[:MEASUREMENT_SWEEP_BATCH]:
            if assessment_after_program_draw(cohort=cohort, kind=kind, now=now) is not None:
                counts[kind] += 1
    return counts


@transaction.atomic
def baseline_score(*, item: BaselineItem, reviewer: User, values: dict) -> BaselineItem:
    """The assigned reviewer scores one sampled interaction (context "baseline"), once."""
    item = BaselineItem.objects.select_for_update().select_related("interaction").get(pk=item.pk)
    if item.reviewer_id != reviewer.pk:
        raise ValidationError({"reviewer": "This interaction is assigned to another reviewer."})
    if item.score_id:
        raise ValidationError({"score": "This interaction has been scored already."})
    item.score = rubric_score_create(
        rubric=item.assessment.rubric,
        scorer=reviewer,
        subject=item.interaction.agent,
        context=RubricScore.Context.BASELINE,
        values=values,
        interaction_ref=item.interaction.reference,
        cohort=item.assessment.cohort,
    )
    item.save(update_fields=["score"])
    return item


@transaction.atomic
def calibration_create(
    *,
    name: str,
    rubric: Rubric,
    interactions: list[Interaction],
    reviewers: list[User],
    drift_bound=None,
    created_by: User | None = None,
) -> CalibrationSession:
    errors = {}
    if problems := reviewer_errors(reviewers):
        errors["reviewers"] = problems
    elif len(reviewers) < 2:
        errors["reviewers"] = ["Calibration needs at least two reviewers."]
    if not interactions:
        errors["interactions"] = ["Choose at least one interaction."]
    if not rubric.is_published:
        errors["rubric"] = ["Use a published rubric version."]
    if errors:
        raise ValidationError(errors)
    session = CalibrationSession.objects.create(
        name=name,
        rubric=rubric,
        created_by=created_by,
        **({"drift_bound": drift_bound} if drift_bound is not None else {}),
    )
    session.interactions.set(interactions)
    session.reviewers.set(reviewers)
    return session


@transaction.atomic
def calibration_score(
    *, session: CalibrationSession, reviewer: User, interaction: Interaction, values: dict
) -> CalibrationScore:
    """A reviewer's blind score of one session interaction; final once submitted."""
    if not session.reviewers.filter(pk=reviewer.pk).exists():
        raise ValidationError({"reviewer": "You are not a reviewer of this session."})
    if not session.interactions.filter(pk=interaction.pk).exists():
        raise ValidationError({"interaction": "This interaction is not part of the session."})
    if CalibrationScore.objects.filter(
        session=session, reviewer=reviewer, interaction=interaction
    ).exists():
        raise ValidationError({"interaction": "You have scored this interaction already."})
    score = rubric_score_create(
        rubric=session.rubric,
        scorer=reviewer,
        subject=interaction.agent,
        context=RubricScore.Context.CALIBRATION,
        values=values,
        interaction_ref=interaction.reference,
    )
    return CalibrationScore.objects.create(
        session=session, reviewer=reviewer, interaction=interaction, score=score
    )


def calibration_progress(*, session: CalibrationSession) -> Counter:
    """How many interactions each reviewer has scored."""
    return Counter(session.scores.values_list("reviewer_id", flat=True))


def calibration_consensus_record(
    *, session: CalibrationSession, interaction: Interaction, values: dict, notes: str, by: User
) -> CalibrationConsensus:
    """Record (or correct) the agreed score of one interaction of the session: only whoever
    runs it (its creator, or a training manager), and only once every reviewer has scored
    that interaction, so the consensus never leaks into a blind score."""
    if not (by.is_manager or by.pk == session.created_by_id):
        raise ValidationError({"recorded_by": "Whoever runs the session records the consensus."})
    if not session.interactions.filter(pk=interaction.pk).exists():
        raise ValidationError({"interaction": "This interaction is not part of the session."})
    scored = session.scores.filter(interaction=interaction).count()
    if scored < session.reviewers.count():
        raise ValidationError(
            {"interaction": "Every reviewer scores it first; the consensus comes after."}
        )
    if errors := rubric_values_errors(rubric=session.rubric, values=values):
        raise ValidationError({"values": errors})
    consensus, _ = CalibrationConsensus.objects.update_or_create(
        session=session,
        interaction=interaction,
        defaults={"values": values, "notes": notes.strip(), "recorded_by": by},
    )
    return consensus
