"""A certified demo agent, so the demo shows a badge that verifies, and one whose badge
expired, so the verify page and the queue show an expired certification."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from certification import services
from certification.models import CertificationDecision
from cohorts.models import Enrollment, RubricScore
from cohorts.services import rubric_score_create


@transaction.atomic
def demo_certification_create(*, enrollment: Enrollment, coach: User) -> CertificationDecision:
    """Three QA scores and a passed role-play, then the evaluation. Idempotent."""
    existing = CertificationDecision.objects.filter(agent=enrollment.agent).first()
    if existing:
        return existing
    rubric = enrollment.program.rubric
    keys = list(rubric.criteria.values_list("key", flat=True))
    for values in (dict.fromkeys(keys, 4), dict.fromkeys(keys, 4), dict.fromkeys(keys, 5)):
        rubric_score_create(
            rubric=rubric,
            scorer=coach,
            subject=enrollment.agent,
            context=RubricScore.Context.QA,
            values=values,
            cohort=enrollment.cohort,
            interaction_ref="DEMO-TICKET",
        )
    booked = services.role_play_book(
        enrollment=enrollment,
        scenario=enrollment.program.scenario_cards.order_by("pk").first(),
        assessor=coach,
    )
    services.role_play_assess(
        assessment=booked, by=coach, values=dict.fromkeys(keys, 4), passed=True, notes="Demo"
    )
    decision = services.certification_evaluate(enrollment=enrollment)
    services.badge_award(decision=decision)
    return decision


@transaction.atomic
def demo_expired_certification_create(
    *, enrollment: Enrollment, coach: User, now: datetime.datetime | None = None
) -> CertificationDecision:
    """A certification decided 30 days more than the gate's validity ago, so it has
    expired (not revoked) and the agent is recertifying. Idempotent."""
    existing = CertificationDecision.objects.filter(agent=enrollment.agent).first()
    if existing:
        return existing
    now = now or timezone.now()
    gate = services.gate_for(program=enrollment.program)
    decided = now - datetime.timedelta(days=(gate.validity_days or 365) + 30)
    rubric = enrollment.program.rubric
    best = dict(rubric.criteria.values_list("key", "scale_max"))
    for day in (3, 2, 1):
        rubric_score_create(
            rubric=rubric,
            scorer=coach,
            subject=enrollment.agent,
            context=RubricScore.Context.QA,
            values=best,
            cohort=enrollment.cohort,
            interaction_ref="DEMO-TICKET",
            scored_at=decided - datetime.timedelta(days=day),
        )
    booked = services.role_play_book(
        enrollment=enrollment,
        scenario=enrollment.program.scenario_cards.order_by("pk").first(),
        assessor=coach,
        now=decided,
    )
    services.role_play_assess(
        assessment=booked,
        by=coach,
        values=best,
        passed=True,
        notes="Demo",
        now=decided,
    )
    decision = services.certification_evaluate(enrollment=enrollment, now=decided)
    services.badge_award(decision=decision)
    return decision
