"""Weekly coaching pairs, their sessions and the partners' peer scores."""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import (
    CoachingPair,
    CoachingPairMember,
    Cohort,
    Enrollment,
    RubricScore,
    ScheduleItem,
)
from cohorts.pairing import Member, rotation_weeks
from cohorts.selectors import control_windows, in_control
from cohorts.services.scores import rubric_score_create

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
    """(Re)draw the coaching pairs of every coaching week that has not started yet, and of
    the week under way if it has none (a cohort started, or first enrolled, mid-week).

    Weeks under way that have pairs keep them, and so do past weeks. Future weeks are drawn
    again from the active agents with the cohort's seed, avoiding partners met in kept
    weeks, so the result is the same for the same seed and agents. Returns the number of
    weeks drawn.
    """
    now = now or timezone.now()
    weeks = list(
        ScheduleItem.objects.filter(
            cohort=cohort, kind=ScheduleItem.Kind.COACHING, cancelled=False
        ).order_by("coaching_week")
    )
    future = [item for item in weeks if item.starts_at > now]
    CoachingPair.objects.filter(cohort=cohort, item__in=future).delete()
    kept = list(CoachingPair.objects.filter(cohort=cohort).prefetch_related("members"))
    met_before = Counter(
        _group_keys(tuple(m.enrollment_id for m in pair.members.all()) for pair in kept)
    )
    # A week under way keeps its pairs; one that has none yet is drawn with the future ones.
    paired_items = {pair.item_id for pair in kept}
    to_draw = [
        item
        for item in weeks
        if item.starts_at > now or (now < item.ends_at and item.pk not in paired_items)
    ]
    agents = list(
        Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.ACTIVE).values_list(
            "pk", "agent_id", "agent__team_id"
        )
    )
    control = control_windows(agent_ids=[agent for _, agent, _ in agents])
    drawn = []
    # Weeks with the same people are drawn together; an experiment's control group sits
    # out the weeks that overlap its window.
    for members, weeks in _weeks_by_members(to_draw, agents, control):
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
    return len(to_draw)


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


@transaction.atomic
def peer_score_create(
    *, pair: CoachingPair, scorer: User, subject: User, values: dict, **details
) -> RubricScore:
    """One partner scores another with the program's rubric version, once per week."""
    # Serialise the partners' scores of this pair, so a double submit cannot score twice.
    pair = CoachingPair.objects.select_for_update().get(pk=pair.pk)
    member_agents = set(pair.members.values_list("enrollment__agent_id", flat=True))
    if scorer.pk not in member_agents:
        raise ValidationError({"pair": "Only members of this pair score each other."})
    if subject.pk not in member_agents or subject.pk == scorer.pk:
        raise ValidationError({"subject": "The person scored must be your partner in this pair."})
    if RubricScore.objects.filter(
        coaching_pair=pair, scorer=scorer, subject=subject, context=RubricScore.Context.PEER
    ).exists():
        raise ValidationError({"subject": f"You have scored {subject} for this week already."})
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
