"""Weekly review assignments: which interactions of which agents each coach reviews.

`assignments_create` fills a plan's slots for one week: for every active enrolment of the
cohort, `per_agent_per_week` slots, each an interaction of the agent's previous week that
was never reviewed, given to the least loaded eligible coach. High-intensity and escalated
interactions are routed into the slots first, the rest of the slots are a random sample;
each assignment keeps the reason it was picked. It is deterministic for a
plan and a week and writes with `bulk_create(ignore_conflicts=True)` behind the unique
constraints, so a rerun or two beats at once add nothing twice.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cohorts.models import CoachingPairMember, Enrollment, ScheduleItem
from cohorts.scope import managed_cohorts
from insights.models import Intensity, Interaction
from reviews.models import ReviewAssignment, ReviewPlan

WEEK = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)
LOW_CSAT = (1, 2)
ROUTED_ESCALATED = "escalated"
RANDOM_SAMPLE = "random sample"
SKIP_REASON_MAX = ReviewAssignment._meta.get_field("skip_reason").max_length


# --- Weeks in the cohort's time zone ------------------------------------------------------


def week_of(*, moment: datetime.datetime, time_zone: str) -> datetime.date:
    """The Monday of the week `moment` falls in, on the calendar of `time_zone`."""
    local_day = moment.astimezone(ZoneInfo(time_zone or "UTC")).date()
    return local_day - datetime.timedelta(days=local_day.weekday())


def week_start(*, week: datetime.date, time_zone: str) -> datetime.datetime:
    """Local midnight of Monday `week`, in UTC."""
    zone = ZoneInfo(time_zone or "UTC")
    return datetime.datetime.combine(week, datetime.time(), tzinfo=zone).astimezone(datetime.UTC)


def week_due_at(*, week: datetime.date, time_zone: str) -> datetime.datetime:
    """Sunday 23:59 local of the week starting on Monday `week`, in UTC."""
    zone = ZoneInfo(time_zone or "UTC")
    sunday = week + datetime.timedelta(days=6)
    return datetime.datetime.combine(sunday, datetime.time(23, 59), tzinfo=zone).astimezone(
        datetime.UTC
    )


# --- Creating a week's assignments ---------------------------------------------------------


@dataclass
class AssignmentReport:
    """What one run did: rows written, and slots left empty and why."""

    agents: int = 0
    created: int = 0
    existing: int = 0
    skipped_no_coach: int = 0
    skipped_no_interaction: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _seed(plan: ReviewPlan, week: datetime.date, agent_id: int) -> str:
    # A str seed is hashed with SHA-512 by `random`, so it is stable across processes.
    return f"review-plan:{plan.pk}:{week.isoformat()}:{agent_id}"


def _preference(plan: ReviewPlan, interaction: Interaction) -> tuple[int, int]:
    escalated = plan.prefer_escalated and interaction.escalated is True
    low_csat = plan.prefer_low_csat and interaction.csat in LOW_CSAT
    return (0 if escalated else 1, 0 if low_csat else 1)


def sample_interactions(
    *, plan: ReviewPlan, candidates: list[Interaction], count: int, seed: str
) -> list[Interaction]:
    """Up to `count` of `candidates`, round robin across their channels.

    Within a channel the preferred come first (escalated, then CSAT 1-2, as the plan says),
    the rest in a seeded random order; the channel holding the most preferred interaction
    starts the round. The same candidates and seed give the same sample.
    """
    rng = random.Random(seed)
    shuffled = sorted(candidates, key=lambda interaction: interaction.pk)
    rng.shuffle(shuffled)
    by_channel: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in sorted(shuffled, key=lambda i: _preference(plan, i)):
        by_channel[interaction.channel].append(interaction)
    channels = sorted(
        by_channel,
        key=lambda c: (_preference(plan, by_channel[c][0]), shuffled.index(by_channel[c][0])),
    )
    picked: list[Interaction] = []
    while len(picked) < count and any(by_channel.values()):
        for channel in channels:
            if by_channel[channel] and len(picked) < count:
                picked.append(by_channel[channel].pop(0))
    return picked


def routing_reason(*, plan: ReviewPlan, interaction: Interaction) -> str | None:
    """Why `interaction` goes ahead of the random sample, or None when it does not.

    High intensity always does ("high intensity: " and the intensity's own reason, e.g.
    "CSAT 1" or "corrected by Mia"); an escalation does when the plan prefers escalated
    contacts (the default), so unticking that preference still stops it.
    """
    if interaction.intensity == Intensity.HIGH:
        return f"high intensity: {interaction.intensity_reason or 'no reason given'}"
    if plan.prefer_escalated and interaction.escalated is True:
        return ROUTED_ESCALATED
    return None


def route_and_sample(
    *, plan: ReviewPlan, candidates: list[Interaction], count: int, seed: str
) -> list[tuple[Interaction, str]]:
    """Up to `count` of `candidates`, each with the reason it was picked.

    The routed ones come first (see `routing_reason`): high intensity, then escalated,
    each group in a seeded random order, so a week with more of them than slots does not
    always favour the same channel or the oldest. The slots left are `sample_interactions`
    of the others. Deterministic for the same candidates and seed.
    """
    rng = random.Random(f"{seed}:routed")
    routed = []
    rest = []
    for interaction in sorted(candidates, key=lambda i: i.pk):
        reason = routing_reason(plan=plan, interaction=interaction)
        if reason is None:
            rest.append(interaction)
        else:
            routed.append((interaction, reason))
    rng.shuffle(routed)
    routed.sort(key=lambda pair: pair[1] == ROUTED_ESCALATED)  # stable: high intensity first
    picked = routed[:count]
    sampled = sample_interactions(plan=plan, candidates=rest, count=count - len(picked), seed=seed)
    return picked + [(interaction, RANDOM_SAMPLE) for interaction in sampled]


def coaching_partners(*, cohort, week: datetime.date) -> dict[int, set[int]]:
    """Agent id -> ids of the agents they are paired with in a coaching week that overlaps
    the calendar week starting on `week`."""
    start = week_start(week=week, time_zone=cohort.time_zone)
    items = ScheduleItem.objects.filter(
        cohort=cohort,
        kind=ScheduleItem.Kind.COACHING,
        cancelled=False,
        starts_at__lt=start + WEEK,
        ends_at__gt=start,
    )
    members = CoachingPairMember.objects.filter(pair__item__in=items).values_list(
        "pair_id", "enrollment__agent_id"
    )
    by_pair: dict[int, set[int]] = defaultdict(set)
    for pair_id, agent_id in members:
        by_pair[pair_id].add(agent_id)
    partners: dict[int, set[int]] = defaultdict(set)
    for agents in by_pair.values():
        for agent_id in agents:
            partners[agent_id] |= agents - {agent_id}
    return partners


def _coach_week_load(coach_ids: list[int], week: datetime.date) -> dict[int, int]:
    """Reviews each coach holds that week, across every plan (skipped ones do not count)."""
    load = dict.fromkeys(coach_ids, 0)
    counts = (
        ReviewAssignment.objects.filter(reviewer_id__in=coach_ids, week=week)
        .exclude(status=ReviewAssignment.Status.SKIPPED)
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    for row in counts:
        load[row["reviewer_id"]] = row["n"]
    return load


def _candidates(
    agent_ids: list[int], since: datetime.datetime, until: datetime.datetime
) -> dict[int, list[Interaction]]:
    """Each agent's interactions between `since` and `until`, never reviewed."""
    reviewed = ReviewAssignment.objects.exclude(status=ReviewAssignment.Status.SKIPPED).values(
        "interaction_id"
    )
    by_agent: dict[int, list[Interaction]] = defaultdict(list)
    interactions = (
        Interaction.objects.filter(
            agent_id__in=agent_ids, occurred_at__gte=since, occurred_at__lt=until
        )
        .exclude(pk__in=reviewed)
        .only("id", "agent_id", "channel", "escalated", "csat", "intensity", "intensity_reason")
        .order_by()
    )
    for interaction in interactions:
        by_agent[interaction.agent_id].append(interaction)
    return by_agent


def _validate_week(plan: ReviewPlan, week: datetime.date, now: datetime.datetime) -> None:
    if week.weekday() != 0:
        raise ValidationError({"week": "A review week starts on a Monday."})
    if week_due_at(week=week, time_zone=plan.cohort.time_zone) < now:
        raise ValidationError({"week": "This week is over; its reviews would be born overdue."})


@transaction.atomic
def assignments_create(
    *, plan: ReviewPlan, week: datetime.date, now: datetime.datetime | None = None
) -> AssignmentReport:
    """Fill the plan's empty slots for `week` (a Monday in the cohort's time zone).

    High-intensity and escalated interactions fill the first open slots, with the reason
    (`route_and_sample`). Guarantees: at most `per_agent_per_week` assignments per active
    agent and week; an interaction is never given to two open or submitted reviews; nobody
    reviews themselves or their coaching partner of that week; rerunning (even
    concurrently) adds nothing twice and gives the same sample. A slot stays empty when no
    coach is eligible or no interaction is left; the report counts both.

    Runs for one plan take turns (the plan's row is locked), so a second run sees the
    first one's rows and its report counts only what it wrote; the unique constraints
    stay the guarantee.
    """
    now = now or timezone.now()
    plan = ReviewPlan.objects.select_for_update().select_related("cohort").get(pk=plan.pk)
    _validate_week(plan, week, now)
    report = AssignmentReport()
    if not plan.active:
        return report
    cohort = plan.cohort
    # Both ends on the local calendar: a week with a DST change lasts 167 or 169 hours.
    sampled_from = week_start(week=week - WEEK, time_zone=cohort.time_zone)
    sampled_until = week_start(week=week, time_zone=cohort.time_zone)
    due_at = week_due_at(week=week, time_zone=cohort.time_zone)
    agent_ids = sorted(
        Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.ACTIVE).values_list(
            "agent_id", flat=True
        )
    )
    report.agents = len(agent_ids)
    coach_ids = sorted(plan.coaches.filter(is_active=True).values_list("pk", flat=True))
    load = _coach_week_load(coach_ids, week)
    partners = coaching_partners(cohort=cohort, week=week)
    taken: dict[int, set[int]] = defaultdict(set)
    for agent_id, slot in ReviewAssignment.objects.filter(plan=plan, week=week).values_list(
        "agent_id", "slot"
    ):
        taken[agent_id].add(slot)
    candidates = _candidates(agent_ids, sampled_from, sampled_until)

    rows = []
    for agent_id in agent_ids:
        open_slots = [s for s in range(1, plan.per_agent_per_week + 1) if s not in taken[agent_id]]
        report.existing += plan.per_agent_per_week - len(open_slots)
        if not open_slots:
            continue
        eligible = [c for c in coach_ids if c != agent_id and c not in partners[agent_id]]
        if not eligible:
            report.skipped_no_coach += len(open_slots)
            continue
        sample = route_and_sample(
            plan=plan,
            candidates=candidates[agent_id],
            count=len(open_slots),
            seed=_seed(plan, week, agent_id),
        )
        report.skipped_no_interaction += len(open_slots) - len(sample)
        for slot, (interaction, reason) in zip(open_slots, sample, strict=False):
            reviewer_id = min(eligible, key=lambda c: (load[c], c))
            load[reviewer_id] += 1
            rows.append(
                ReviewAssignment(
                    plan=plan, agent_id=agent_id, week=week, slot=slot,
                    interaction=interaction, reviewer_id=reviewer_id, due_at=due_at,
                    routing_reason=reason,
                )
            )  # fmt: skip
    before = ReviewAssignment.objects.filter(plan=plan, week=week).count()
    ReviewAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    # A conflicting row is ignored, not counted: count what is there now.
    report.created = ReviewAssignment.objects.filter(plan=plan, week=week).count() - before
    return report


# --- Reassign and skip ---------------------------------------------------------------------


def _locked_open(assignment: ReviewAssignment) -> ReviewAssignment:
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("plan__cohort")
        .get(pk=assignment.pk)
    )
    if locked.status != ReviewAssignment.Status.ASSIGNED:
        raise ValidationError(
            {"status": f"Only a review still to do can change; this one is {locked.status}."}
        )
    return locked


@transaction.atomic
def assignment_reassign(*, assignment: ReviewAssignment, reviewer, by) -> ReviewAssignment:
    """Give an open review to another coach of the plan: not the agent, not the agent's
    coaching partner that week. Refused once the review was submitted or skipped."""
    locked = _locked_open(assignment)
    if reviewer is None:
        raise ValidationError({"reviewer": "Choose a coach."})
    if not locked.plan.coaches.filter(pk=reviewer.pk, is_active=True).exists():
        raise ValidationError({"reviewer": "Only a coach of this review plan can review."})
    if reviewer.pk == locked.agent_id:
        raise ValidationError({"reviewer": "Nobody reviews their own interactions."})
    partners = coaching_partners(cohort=locked.plan.cohort, week=locked.week)
    if reviewer.pk in partners[locked.agent_id]:
        raise ValidationError({"reviewer": "This coach is the agent's coaching partner this week."})
    locked.reviewer = reviewer
    locked.save(update_fields=["reviewer"])
    return locked


@transaction.atomic
def assignment_skip(*, assignment: ReviewAssignment, reason: str, by) -> ReviewAssignment:
    """Close an open review without a score. The reason is kept; the interaction may be
    sampled again in a later week."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this review is skipped."})
    if len(reason) > SKIP_REASON_MAX:
        raise ValidationError({"reason": f"At most {SKIP_REASON_MAX} characters."})
    locked = _locked_open(assignment)
    locked.status = ReviewAssignment.Status.SKIPPED
    locked.skip_reason = reason
    locked.completed_at = timezone.now()
    locked.save(update_fields=["status", "skip_reason", "completed_at"])
    return locked


# --- Coach load ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachLoad:
    coach_id: int
    name: str
    open: int
    overdue: int
    done_this_week: int


def coach_load(*, plan: ReviewPlan, now: datetime.datetime | None = None) -> list[CoachLoad]:
    """Per coach of the plan, in this plan: reviews still to do, those of them past due,
    and reviews of the current week (cohort's time zone) already submitted. Two queries."""
    now = now or timezone.now()
    this_week = week_of(moment=now, time_zone=plan.cohort.time_zone)
    assigned = Q(
        reviews_assigned__plan=plan, reviews_assigned__status=ReviewAssignment.Status.ASSIGNED
    )
    coaches = plan.coaches.annotate(
        open_count=Count("reviews_assigned", filter=assigned),
        overdue_count=Count(
            "reviews_assigned", filter=assigned & Q(reviews_assigned__due_at__lt=now)
        ),
        done_count=Count(
            "reviews_assigned",
            filter=Q(
                reviews_assigned__plan=plan,
                reviews_assigned__status=ReviewAssignment.Status.SUBMITTED,
                reviews_assigned__week=this_week,
            ),
        ),
    ).order_by("display_name", "email")
    return [
        CoachLoad(
            coach_id=coach.pk,
            name=str(coach),
            open=coach.open_count,
            overdue=coach.overdue_count,
            done_this_week=coach.done_count,
        )
        for coach in coaches
    ]


def assignments_create_this_week(*, now: datetime.datetime | None = None) -> dict[int, dict]:
    """Run `assignments_create` for every active plan for its current week: on each
    cohort's own calendar, the week with more than a day left. Beat starts this on Monday
    02:00 UTC, still Sunday west of UTC-2, where the coming week is the one to assign.
    Returns each plan's report by plan id."""
    now = now or timezone.now()
    reports = {}
    for plan in ReviewPlan.objects.filter(active=True).select_related("cohort").order_by("pk"):
        week = week_of(moment=now + DAY, time_zone=plan.cohort.time_zone)
        reports[plan.pk] = assignments_create(plan=plan, week=week, now=now).as_dict()
    return reports


# --- Who sees what -------------------------------------------------------------------------


def plans_visible_to(*, user):
    """Review plans of the cohorts `user` manages (cohorts/scope.py)."""
    return ReviewPlan.objects.filter(cohort__in=managed_cohorts(user=user))
