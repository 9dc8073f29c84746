"""A running demo cohort, so the demo shows plans, pairs and progress straight away."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts import services
from cohorts.models import Cohort, ScheduleItem
from programs.models import Program

DEMO_COHORT = "Demo cohort"
DAYS_IN = 33  # in the practice phase: modules, coaching partners and scores to show


@transaction.atomic
def demo_cohort_create(*, manager: User, agents: list[User]) -> Cohort:
    """The demo cohort of Empathy Essentials, started 33 days ago. Idempotent."""
    existing = Cohort.objects.filter(name=DEMO_COHORT).first()
    if existing:
        return existing
    today = timezone.localdate()
    cohort = services.cohort_create(
        program=Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True),
        created_by=manager,
        name=DEMO_COHORT,
        start_date=today - datetime.timedelta(days=DAYS_IN - 1),
        time_zone="Europe/London",
        location="Training room 1",
    )
    enrollments = [
        services.enrollment_enroll(cohort=cohort, agent=agent, by=manager) for agent in agents
    ]
    services.cohort_start(cohort=cohort, now=timezone.now() - datetime.timedelta(days=DAYS_IN))
    # Attendance is only taken for workshops that have happened.
    workshops = cohort.schedule_items.filter(
        kind=ScheduleItem.Kind.WORKSHOP, starts_at__lte=timezone.now()
    )
    for workshop in workshops:
        # Everyone but the last agent attended, so the progress view has someone behind.
        attended = {e.pk: index != len(enrollments) - 1 for index, e in enumerate(enrollments)}
        services.attendance_record(item=workshop, attended=attended, by=manager)
    pair = cohort.coaching_pairs.order_by("week", "pk").first()
    if pair:
        scorer, subject = [m.enrollment.agent for m in pair.members.all()][:2]
        criteria = cohort.program.rubric.criteria.values_list("key", flat=True)
        services.peer_score_create(
            pair=pair,
            scorer=scorer,
            subject=subject,
            values=dict.fromkeys(criteria, 4),
            feedback="Named the frustration before the fix; close with a concrete next step.",
        )
    return cohort
