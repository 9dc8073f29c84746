"""A certified demo agent, so the demo shows a badge that verifies."""

from django.db import transaction

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
