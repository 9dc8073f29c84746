"""Measurement operations: drawing the baseline sample, scoring it, calibration sessions."""

import datetime
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction

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
