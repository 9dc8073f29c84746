"""Certification reminders: ready to book the role-play, and a badge about to expire.

Both answer in a fixed number of queries whatever the number of agents.
"""

import datetime
from collections import defaultdict

from django.conf import settings

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

EXPIRY_NOTICE = datetime.timedelta(days=30)


def _role_play_eligible(now) -> list[Due]:
    active = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE, cohort__status=Cohort.Status.RUNNING
    )
    # Scores first: only agents with enough assessed scores can be eligible, so the
    # enrolments of everyone else are never loaded.
    scores = defaultdict(list)  # (agent, rubric family) -> [(context, percent)], newest first
    rows = (
        RubricScore.objects.filter(
            subject__in=active.values("agent"), context__in=CERTIFIABLE_CONTEXTS
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
                    "url": settings.ATTUNE_PUBLIC_BASE_URL.rstrip("/")
                    + "/api/certification/status/",
                },
            )
        )
    return due


def _badges_expiring(now) -> list[Due]:
    expiring = list(
        BadgeAssertion.objects.filter(
            revoked=False, expires_on__gt=now, expires_on__lte=now + EXPIRY_NOTICE
        ).select_related("recipient", "badge_class")
    )
    renewed = set(
        BadgeAssertion.objects.filter(
            revoked=False,
            recipient__in=[a.recipient_id for a in expiring],
            expires_on__gt=now + EXPIRY_NOTICE,
        ).values_list("recipient_id", "badge_class_id")
    )
    return [
        Due(
            recipient_id=badge.recipient_id,
            recipient_tz=badge.recipient.time_zone,
            kind=ReminderKind.BADGE_EXPIRING,
            object_type="badgeassertion",
            object_id=badge.pk,
            slot=str(badge.uuid),
            send_at=badge.expires_on - EXPIRY_NOTICE,
            expires_at=badge.expires_on,
            context={
                "badge": badge.badge_class.name,
                "expires": badge.expires_on.date().isoformat(),
                "url": openbadges.verify_url(badge),
            },
        )
        for badge in expiring
        if (badge.recipient_id, badge.badge_class_id) not in renewed
    ]


def resolve(*, now: datetime.datetime, kinds: set[str]) -> list[Due]:
    due: list[Due] = []
    if ReminderKind.ROLE_PLAY_ELIGIBLE in kinds:
        due += _role_play_eligible(now)
    if ReminderKind.BADGE_EXPIRING in kinds:
        due += _badges_expiring(now)
    return due
