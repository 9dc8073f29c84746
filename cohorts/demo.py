"""A running demo cohort, so the demo shows plans, pairs and progress straight away."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts import services
from cohorts.models import Cohort, ModuleProgress, RefresherSchedule, ScheduleItem
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
    services.cohort_status_sweep()  # started before day 1 (scheduled); running since
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


FINISHED_COHORT = "Demo primer cohort (finished)"
PRIMER = "New-hire empathy primer"


@transaction.atomic
def demo_finished_cohort_create(*, manager: User, agents: list[User]) -> Cohort:
    """A finished cohort of the seven-day primer, which started 60 days ago: every
    agent but the last did everything the rule asks (completed); the last attended the
    workshop only (not completed, the modules missing). Idempotent."""
    existing = Cohort.objects.filter(name=FINISHED_COHORT).first()
    if existing:
        return existing
    now = timezone.now()
    cohort = services.cohort_create(
        program=Program.objects.get(name=PRIMER, cloned_from__isnull=True),
        created_by=manager,
        name=FINISHED_COHORT,
        # Before the running demo cohort, so that it comes first in the manager's list.
        start_date=timezone.localdate() - datetime.timedelta(days=60),
        time_zone="Europe/London",
        location="Training room 2",
    )
    enrollments = [
        services.enrollment_enroll(cohort=cohort, agent=agent, by=manager) for agent in agents
    ]
    services.cohort_start(cohort=cohort, now=now - datetime.timedelta(days=61))
    for workshop in cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP):
        services.attendance_record(
            item=workshop, attended={e.pk: True for e in enrollments}, by=manager
        )
    for module in cohort.schedule_items.filter(kind=ScheduleItem.Kind.MODULE):
        ModuleProgress.objects.bulk_create(
            ModuleProgress(
                enrollment=e, item=module, prework_done_at=module.starts_at,
                practice_attended_at=module.ends_at, practice_recorded_by=manager,
            )
            for e in enrollments[:-1]
        )  # fmt: skip
    return services.cohort_close(cohort=cohort, now=cohort.ends_at())


REFRESHER = "Empathy Refresher"


@transaction.atomic
def demo_refresher_schedule_create(*, manager: User, coach: User) -> RefresherSchedule:
    """A recurring quarterly refresher for Empathy Essentials, facilitated by the demo
    manager and coach. No cohort is opened here: the hourly beat task opens the quarter's
    cohort (with Redis; the embedded demo has no beat). Idempotent."""
    source = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    existing = RefresherSchedule.objects.filter(source_program=source).first()
    if existing:
        return existing
    return services.refresher_schedule_create(
        created_by=manager,
        source_program=source,
        refresher_program=Program.objects.get(name=REFRESHER, cloned_from__isnull=True),
        facilitators=[coach],
        time_zone="Europe/London",
        session_time=datetime.time(14, 0),
        location="Training room 1",
    )
