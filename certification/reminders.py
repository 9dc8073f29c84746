"""Certification reminders: ready to book the role-play, and a badge about to expire
(90, 30 and 7 days before, so there is time to recertify).

Both answer in a fixed number of queries whatever the number of agents.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from accounts.links import public_url
from accounts.models import ReminderKind
from accounts.reminders import Due
from certification import openbadges
from certification.models import (
    CERTIFIABLE_CONTEXTS,
    BadgeAssertion,
    CertificationGate,
    RolePlayAssessment,
)
from certification.services import rubric_average
from cohorts.models import Cohort, Enrollment, RubricScore

# Notices before a badge expires, the first when the recertification window opens.
EXPIRY_NOTICES_DAYS = (90, 30, 7)
EXPIRY_NOTICES = [datetime.timedelta(days=days) for days in EXPIRY_NOTICES_DAYS]
# Local time a notice is sent (quiet hours still apply), and how early the sweep writes
# the outbox row for it.
REMINDER_LOCAL_TIME = datetime.time(9)
LOOKAHEAD = datetime.timedelta(days=1)
# How far back a new assessed score makes its agent a candidate for "ready to book".
ELIGIBILITY_LOOKBACK = datetime.timedelta(days=7)


def _role_play_eligible(now) -> list[Due]:
    active = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE, cohort__status=Cohort.Status.RUNNING
    )
    # Only a new assessed score can lift an agent's average over the bar, so only agents
    # assessed within the lookback are read: the cost follows recent activity, never the
    # whole history (index on created_at). The lookback outlasts any sweep outage.
    recently_scored = RubricScore.objects.filter(
        created_at__gt=now - ELIGIBILITY_LOOKBACK, context__in=CERTIFIABLE_CONTEXTS
    ).values("subject")
    scores = defaultdict(list)  # (agent, rubric family) -> [(context, percent)], newest first
    rows = (
        RubricScore.objects.filter(
            subject__in=active.filter(agent__in=recently_scored).values("agent"),
            context__in=CERTIFIABLE_CONTEXTS,
        )
        .order_by("-scored_at", "-id")
        .values_list("subject_id", "rubric__name", "context", "percent")
    )
    for subject_id, rubric_name, context, percent in rows:
        scores[(subject_id, rubric_name)].append((context, percent))
    candidates = {subject_id for subject_id, _ in scores}
    enrollments = list(
        active.filter(agent__in=candidates).select_related("agent", "program__rubric", "cohort")
    )
    if not enrollments:
        return []
    gates = {g.program_id: g for g in CertificationGate.objects.all()}
    started = set(
        RolePlayAssessment.objects.filter(enrollment__in=enrollments).values_list(
            "enrollment_id", flat=True
        )
    )
    due = []
    for enrollment in enrollments:
        gate = gates.get(enrollment.program_id) or CertificationGate(program=enrollment.program)
        if not gate.requires_role_play or enrollment.pk in started:
            continue
        mine = [
            percent
            for context, percent in scores[(enrollment.agent_id, enrollment.program.rubric.name)]
            if context in gate.counted_contexts
        ]
        average = rubric_average(percents=mine, gate=gate)
        if average is None or average < gate.threshold_percent:
            continue
        due.append(
            Due(
                recipient_id=enrollment.agent_id,
                recipient_tz=enrollment.agent.time_zone,
                kind=ReminderKind.ROLE_PLAY_ELIGIBLE,
                object_type="enrollment",
                object_id=enrollment.pk,
                slot="eligible",
                send_at=now,
                context={
                    "program": enrollment.program.name,
                    "cohort": enrollment.cohort.name,
                    "url": public_url("web:plan"),
                },
            )
        )
    return due


def _notice_times(badge, time_zone: str) -> list[tuple[int, datetime.datetime, datetime.datetime]]:
    """(days, send at, pointless after) for each notice of one badge: at REMINDER_LOCAL_TIME
    on the agent's own calendar N days before the local expiry date (so 09:00 stays 09:00
    across a DST change), each pointless once the next one is due."""
    zone = ZoneInfo(time_zone or "UTC")
    expiry_day = badge.expires_on.astimezone(zone).date()
    times = []
    pointless_after = badge.expires_on
    for days in sorted(EXPIRY_NOTICES_DAYS):
        local = datetime.datetime.combine(
            expiry_day - datetime.timedelta(days=days), REMINDER_LOCAL_TIME, tzinfo=zone
        )
        send_at = local.astimezone(datetime.UTC)
        times.append((days, send_at, pointless_after))
        pointless_after = send_at
    return times


def _badges_expiring(now) -> list[Due]:
    """A notice 90, 30 and 7 days before a badge expires, each once per badge (the slot
    names the notice), for badges neither revoked nor renewed. A notice whose time passed
    while the next one is due is skipped: nobody gets three at once after an outage."""
    horizon = now + max(EXPIRY_NOTICES) + 2 * LOOKAHEAD  # a local day may start early
    expiring = list(
        BadgeAssertion.objects.filter(
            revoked=False,
            decision__revoked_at__isnull=True,
            decision__renewed_by__isnull=True,
            expires_on__gt=now,
            expires_on__lte=horizon,
        ).select_related("recipient", "badge_class__program", "decision")
    )
    # Badges issued before recertifications were linked: a later badge of the same class
    # (not revoked) also means the agent recertified.
    latest = defaultdict(lambda: None)
    for recipient_id, class_id, expires_on in BadgeAssertion.objects.filter(
        revoked=False, recipient__in={a.recipient_id for a in expiring}
    ).values_list("recipient_id", "badge_class_id", "expires_on"):
        key = (recipient_id, class_id)
        if expires_on and (latest[key] is None or expires_on > latest[key]):
            latest[key] = expires_on
    due = []
    for badge in expiring:
        if latest[(badge.recipient_id, badge.badge_class_id)] > badge.expires_on:
            continue
        time_zone = badge.recipient.time_zone
        for days, send_at, pointless_after in _notice_times(badge, time_zone):
            if not (send_at - LOOKAHEAD <= now < pointless_after):
                continue
            if send_at <= badge.issued_on:
                continue  # a short validity: this notice would come before the badge
            due.append(_expiry_notice(badge, days, send_at, pointless_after, time_zone))
    return due


def _expiry_notice(badge, days, send_at, pointless_after, time_zone) -> Due:
    zone = ZoneInfo(time_zone or "UTC")
    return Due(
        recipient_id=badge.recipient_id,
        recipient_tz=time_zone,
        kind=ReminderKind.BADGE_EXPIRING,
        object_type="badgeassertion",
        object_id=badge.pk,
        slot=f"{days}d",
        send_at=send_at,
        expires_at=pointless_after,
        context={
            "badge": badge.badge_class.name,
            "program": badge.badge_class.program.name,
            "days": days,
            "expires": _day(badge.expires_on.astimezone(zone)),
            "url": public_url("web:plan"),
            "verify_url": openbadges.verify_url(badge),
        },
    )


def _day(moment: datetime.datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def resolve(*, now: datetime.datetime, kinds: set[str]) -> list[Due]:
    due: list[Due] = []
    if ReminderKind.ROLE_PLAY_ELIGIBLE in kinds:
        due += _role_play_eligible(now)
    if ReminderKind.BADGE_EXPIRING in kinds:
        due += _badges_expiring(now)
    return due
