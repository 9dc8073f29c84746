"""Weekly coaching pairs, their sessions and the partners' peer scores."""

import datetime
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import connections, transaction
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


def _pairs_delete(pairs) -> None:
    """Delete `pairs` and their members in three statements, whatever their number (the
    ORM's collector would load every pair and delete them a hundred at a time). Scores of a
    deleted pair keep existing, unlinked from it (the foreign key's SET_NULL)."""
    ids = pairs.values("pk")
    RubricScore.objects.filter(coaching_pair__in=ids).update(coaching_pair=None)
    # Neither model sends signals or is followed by the audit trail: a raw delete loses nothing.
    CoachingPairMember.objects.filter(pair__in=ids)._raw_delete(CoachingPairMember.objects.db)
    pairs._raw_delete(CoachingPair.objects.db)


def _pairs_store(*, cohort: Cohort, drawn) -> None:
    """Store `drawn` ([(item, groups)]): COPY on PostgreSQL, bulk inserts elsewhere."""
    rows = [(item, group) for item, groups in drawn for group in groups]
    if not rows:
        return
    connection = connections[CoachingPair.objects.db]
    if connection.vendor == "postgresql":
        _pairs_copy(connection=connection, cohort=cohort, rows=rows)
        return
    pairs = CoachingPair.objects.bulk_create(
        CoachingPair(cohort=cohort, week=item.coaching_week, item=item) for item, _ in rows
    )
    CoachingPairMember.objects.bulk_create(
        CoachingPairMember(pair_id=pair.pk, enrollment_id=e, cohort=cohort, week=pair.week)
        for pair, (_, group) in zip(pairs, rows, strict=True)
        for e in group
    )


def _pairs_copy(*, connection, cohort: Cohort, rows) -> None:
    # Ids are taken from the sequence first, so the members can name their pair in the
    # same COPY stream without reading anything back. Every value is an integer (or a
    # fixed word), so COPY's text format needs no escaping.
    with connection.cursor() as cursor:
        ids = cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('cohorts_coachingpair', 'id')) "
            "FROM generate_series(1, %s)",
            [len(rows)],
        ).fetchall()
        pairs, members = [], []
        for (pair_id,), (item, group) in zip(ids, rows, strict=True):
            week = item.coaching_week
            pairs.append(f"{pair_id}\t{cohort.pk}\t{week}\t{item.pk}\tplanned\t\n")
            members.extend(f"{pair_id}\t{e}\t{cohort.pk}\t{week}\n" for e in group)
        with cursor.copy(
            "COPY cohorts_coachingpair (id, cohort_id, week, item_id, session, session_notes) "
            "FROM STDIN"
        ) as copy:
            copy.write("".join(pairs))
        with cursor.copy(
            "COPY cohorts_coachingpairmember (pair_id, enrollment_id, cohort_id, week) FROM STDIN"
        ) as copy:
            copy.write("".join(members))


@transaction.atomic
def coaching_pairs_generate(*, cohort: Cohort, now: datetime.datetime | None = None) -> int:
    """(Re)draw the coaching pairs of every coaching week that has not started yet, and of
    the week under way if it has none (a cohort started, or first enrolled, mid-week).

    Weeks under way that have pairs keep them, and so do past weeks. Future weeks are drawn
    again from the active agents with the cohort's seed, avoiding partners met in kept
    weeks, so the result is the same for the same seed and agents. Returns the number of
    weeks drawn. Takes the same number of queries whatever the cohort's size.
    """
    now = now or timezone.now()
    weeks = list(
        ScheduleItem.objects.filter(
            cohort=cohort, kind=ScheduleItem.Kind.COACHING, cancelled=False
        ).order_by("coaching_week")
    )
    future = [item for item in weeks if item.starts_at > now]
    _pairs_delete(CoachingPair.objects.filter(cohort=cohort, item__in=future))
    kept_members = defaultdict(list)
    paired_items = set()
    for pair_id, item_id, enrollment_id in CoachingPairMember.objects.filter(
        cohort=cohort
    ).values_list("pair_id", "pair__item_id", "enrollment_id"):
        kept_members[pair_id].append(enrollment_id)
        paired_items.add(item_id)
    met_before = Counter(_group_keys(tuple(group) for group in kept_members.values()))
    # A week under way keeps its pairs; one that has none yet is drawn with the future ones.
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
    _pairs_store(cohort=cohort, drawn=drawn)
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
