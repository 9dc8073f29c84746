import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification import services as certification_services
from certification.models import BadgeAssertion, CertificationDecision
from cohorts import services as cohort_services
from cohorts.models import Cohort, ScheduleItem
from jobs.models import ReconciliationRun
from jobs.reconciliation import IN_FLIGHT, reconcile
from programs.models import Program, Workshop
from programs.services import program_publish
from tests.certification.conftest import certification_program
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    ModuleFactory,
    PhaseFactory,
    ProgramFactory,
    RubricCriterionFactory,
    ScenarioCardFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

# Day 1 of the cohorts is 1 March 2027; the checks run later the same day.
START = datetime.date(2027, 3, 1)
T0 = datetime.datetime(2027, 3, 1, 8, tzinfo=datetime.UTC)
EDIT = T0 + datetime.timedelta(minutes=1)  # a program edit after the cohorts started
LATER = EDIT + IN_FLIGHT + datetime.timedelta(minutes=5)
CHECKS = [
    "gate_met_without_decision",
    "decision_without_badge",
    "schedule_older_than_program",
    "interaction_weeks_out_of_date",
    "rotation_advisory_missing",
    "recovery_prompt_missing",
]
NOTHING_FIXED = dict.fromkeys(CHECKS, 0)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(clock):
    """Published; one 1-100 criterion (a value is a percent), workshops on days 1 and 20."""
    return certification_program(name="Rollout", workshop_days=(1, 20))


def started_cohort(program) -> Cohort:
    cohort = CohortFactory(program=program, start_date=START, time_zone="UTC")
    return cohort_services.cohort_start(cohort=cohort)


def meet_the_gate(enrollment, assessor, *, scores=(85, 85)):
    """Two QA scores and a passed role-play (90): the default gate is met. The role-play
    queues the evaluation for after the commit, which a test's transaction never reaches:
    the evaluation is lost, as when the broker is down."""
    for value in scores:
        cohort_services.rubric_score_create(
            rubric=enrollment.program.rubric,
            scorer=assessor,
            subject=enrollment.agent,
            context="qa",
            values={"overall": value},
            scored_at=T0,
            cohort=enrollment.cohort,
        )
    booked = certification_services.role_play_book(
        enrollment=enrollment,
        scenario=enrollment.program.scenario_cards.get(),
        assessor=assessor,
        now=T0,
    )
    return certification_services.role_play_assess(
        assessment=booked, by=assessor, values={"overall": 90}, passed=True, now=T0
    )


def change_program(program, clock):
    """Edit the program as the admin does: nothing queues the cohorts' resync."""
    clock.move_to(EDIT)
    program.phases.get().save()


def certified(enrollment, assessor) -> CertificationDecision:
    """A decision and its badge, as the normal path leaves them."""
    meet_the_gate(enrollment, assessor)
    decision = certification_services.certification_evaluate(enrollment=enrollment, now=T0)
    certification_services.badge_award(decision=decision)
    return decision


@pytest.fixture
def assessor(db):
    return CoachFactory()


@pytest.fixture
def cohort(program):
    return started_cohort(program)


@pytest.fixture
def enrollment(cohort):
    return EnrollmentFactory(cohort=cohort)


def test_an_agent_who_meets_the_gate_without_a_decision_is_certified(enrollment, assessor, clock):
    meet_the_gate(enrollment, assessor)
    clock.move_to(LATER)

    run = reconcile()

    decision = CertificationDecision.objects.get(agent=enrollment.agent)
    assert decision.decided_at == LATER
    assert run.fixed["gate_met_without_decision"] == 1
    assert run.details == [
        {
            "check": "gate_met_without_decision",
            "object": f"{enrollment.agent} in {enrollment.cohort} (enrolment {enrollment.pk})",
            "action": f"evaluated: certified (decision {decision.pk})",
        }
    ]
    assert ReconciliationRun.objects.get() == run


def test_an_agent_below_the_bar_or_withdrawn_is_left_alone(program, assessor, clock):
    below = EnrollmentFactory(cohort=started_cohort(program))
    meet_the_gate(below, assessor, scores=(40, 40))  # (40 + 40 + 90) / 3 < 70
    withdrawn = EnrollmentFactory(cohort=started_cohort(program))
    meet_the_gate(withdrawn, assessor)
    cohort_services.enrollment_withdraw(enrollment=withdrawn)
    clock.move_to(LATER)

    run = reconcile()

    assert run.fixed == NOTHING_FIXED
    assert not CertificationDecision.objects.exists()


def test_an_evaluation_still_in_flight_is_not_reported(enrollment, assessor, clock):
    meet_the_gate(enrollment, assessor)
    clock.move_to(T0 + IN_FLIGHT / 2)

    assert reconcile().fixed["gate_met_without_decision"] == 0


def test_an_agent_renewing_within_the_window_is_recertified(enrollment, assessor, clock):
    old = certified(enrollment, assessor)
    # 300 days on, the certification (365 days) is within its 90-day renewal window.
    renewal_day = T0 + datetime.timedelta(days=300)
    clock.move_to(renewal_day)
    for value in (80, 80):
        cohort_services.rubric_score_create(
            rubric=enrollment.program.rubric,
            scorer=assessor,
            subject=enrollment.agent,
            context="qa",
            values={"overall": value},
            scored_at=renewal_day,
        )
    booked = certification_services.role_play_book(
        enrollment=enrollment,
        scenario=enrollment.program.scenario_cards.get(),
        assessor=assessor,
        now=renewal_day,
    )
    certification_services.role_play_assess(
        assessment=booked, by=assessor, values={"overall": 80}, passed=True, now=renewal_day
    )
    clock.move_to(renewal_day + IN_FLIGHT * 2)

    run = reconcile()

    assert run.fixed["gate_met_without_decision"] == 1
    assert CertificationDecision.objects.get(previous=old).enrollment == enrollment


def test_a_decision_without_its_badge_gets_it_and_one_email(enrollment, assessor, clock):
    meet_the_gate(enrollment, assessor)
    decision = certification_services.certification_evaluate(enrollment=enrollment, now=T0)
    clock.move_to(LATER)

    run = reconcile()

    assertion = BadgeAssertion.objects.get(decision=decision)
    assert run.fixed["decision_without_badge"] == 1
    assert run.details[0]["action"] == f"badge awarded ({assertion.uuid})"
    assert len(mail.outbox) == 1
    assert reconcile().fixed == NOTHING_FIXED
    assert len(mail.outbox) == 1


def test_a_revoked_decision_gets_no_badge(enrollment, assessor, clock):
    meet_the_gate(enrollment, assessor)
    decision = certification_services.certification_evaluate(enrollment=enrollment, now=T0)
    certification_services.certification_revoke(
        decision=decision, by=ManagerFactory(), reason="Assessed by mistake", now=T0
    )
    clock.move_to(LATER)

    assert reconcile().fixed == NOTHING_FIXED
    assert not BadgeAssertion.objects.exists()


def test_a_cohort_laid_out_before_its_program_changed_is_resynced(program, cohort, clock):
    clock.move_to(EDIT)
    workshop = Workshop.objects.get(title="Workshop on day 20")
    workshop.day = 21  # as the admin saves it: no resync is queued
    workshop.save()
    clock.move_to(LATER)

    run = reconcile()

    item = cohort.schedule_items.get(workshop=workshop)
    assert item.starts_at == datetime.datetime(2027, 3, 21, 10, tzinfo=datetime.UTC)
    assert run.fixed["schedule_older_than_program"] == 1
    assert run.details == [
        {
            "check": "schedule_older_than_program",
            "object": f"{cohort} (Rollout, cohort {cohort.pk})",
            "action": "resynced: 0 created, 1 updated, 0 cancelled",
        }
    ]
    cohort.refresh_from_db()
    assert cohort.schedule_laid_at == LATER


def test_a_program_change_still_in_flight_is_not_reported(program, cohort, clock):
    clock.move_to(T0 + datetime.timedelta(minutes=1))
    Workshop.objects.get(title="Workshop on day 20").delete()
    clock.move_to(T0 + IN_FLIGHT / 2)

    assert reconcile().fixed["schedule_older_than_program"] == 0


def test_every_change_to_phases_workshops_and_modules_marks_the_program_changed(program, clock):
    def changed_at():
        return Program.objects.values_list("content_changed_at", flat=True).get(pk=program.pk)

    phase = program.phases.get()
    steps = [
        lambda: WorkshopFactory(phase=phase, day=5),
        lambda: program.modules.get().save(),
        lambda: phase.save(),
        lambda: Workshop.objects.filter(title="Workshop on day 1").delete(),  # a queryset delete
        lambda: phase.delete(),  # cascades to the rest
    ]
    for minutes, step in enumerate(steps, start=1):
        moment = T0 + datetime.timedelta(minutes=minutes)
        clock.move_to(moment)
        step()
        assert changed_at() == moment


def test_correct_state_yields_no_finding_and_a_second_run_fixes_nothing(
    program, enrollment, assessor, clock
):
    certified(enrollment, assessor)
    meet_the_gate(EnrollmentFactory(cohort=started_cohort(program)), assessor)
    Workshop.objects.filter(title="Workshop on day 20").update(minutes=90)
    change_program(program, clock)
    clock.move_to(LATER)

    first = reconcile()
    clock.move_to(LATER + datetime.timedelta(minutes=15))
    second = reconcile()

    assert first.fixed == {
        **NOTHING_FIXED,
        "gate_met_without_decision": 1,
        "decision_without_badge": 0,  # the new decision's award is still in flight
        "schedule_older_than_program": 2,
    }
    assert second.fixed == {**NOTHING_FIXED, "decision_without_badge": 1}
    clock.move_to(LATER + datetime.timedelta(minutes=30))
    assert reconcile().fixed == NOTHING_FIXED


def test_a_dry_run_reports_and_changes_nothing(program, enrollment, assessor, clock):
    meet_the_gate(enrollment, assessor)
    other = EnrollmentFactory(cohort=started_cohort(program))
    meet_the_gate(other, assessor)
    unbadged = certification_services.certification_evaluate(enrollment=other, now=T0)
    change_program(program, clock)
    clock.move_to(LATER)
    schedule = list(ScheduleItem.objects.values_list("pk", "starts_at", "sequence"))

    run = reconcile(fix=False)

    assert run.fixed == {
        **NOTHING_FIXED,
        "gate_met_without_decision": 1,
        "decision_without_badge": 1,
        "schedule_older_than_program": 2,
    }
    assert {d["action"] for d in run.details} == {
        "would evaluate",
        "would award the badge",
        "would resync",
    }
    assert list(CertificationDecision.objects.all()) == [unbadged]
    assert not BadgeAssertion.objects.exists()
    assert list(ScheduleItem.objects.values_list("pk", "starts_at", "sequence")) == schedule
    assert not Cohort.objects.filter(schedule_laid_at=LATER).exists()
    assert not ReconciliationRun.objects.exists()


def broken_check(now, fix):
    raise RuntimeError("the check's table is gone")


def test_a_failing_check_is_recorded_and_the_others_still_run(program, cohort, clock, settings):
    settings.ATTUNE_RECONCILERS = [
        "tests.jobs.test_reconciliation.broken_check",
        "cohorts.reconcile.schedule_older_than_program",
    ]
    change_program(program, clock)
    clock.move_to(LATER)

    run = reconcile()

    assert run.errors == [
        {"check": "broken_check", "error": "RuntimeError: the check's table is gone"}
    ]
    assert run.fixed == {"schedule_older_than_program": 1}
    assert ReconciliationRun.objects.get().errors == run.errors


def _queries_of_a_run(cohorts: int, assessor) -> int:
    program = ProgramFactory()
    RubricCriterionFactory(rubric=program.rubric, key="overall", scale_min=1, scale_max=100)
    phase = PhaseFactory(program=program, first_day=1, last_day=30)
    WorkshopFactory(phase=phase)
    ModuleFactory(phase=phase, week=1)
    ScenarioCardFactory(program=program)
    program_publish(program=program)
    for _ in range(cohorts):
        certified(EnrollmentFactory(cohort=started_cohort(program)), assessor)
    with CaptureQueriesContext(connection) as queries:
        assert reconcile(now=LATER).fixed == NOTHING_FIXED
    return len(queries)


def test_a_run_over_correct_state_costs_the_same_queries_for_3_or_30_cohorts(assessor, clock):
    few = _queries_of_a_run(3, assessor)
    many = _queries_of_a_run(30, assessor)

    # Agents who may meet the gate without a decision, valid decisions without a badge,
    # stale started cohorts, the recent weeks of the interaction rollup that differ from the
    # interactions; wellbeing's: the two reminder switches, the streaks of the accounts
    # escalated in the last day's imports, their hard contacts; the run inserted; runs
    # older than 90 days deleted.
    assert few == many == 10


def test_the_command_prints_each_check_and_what_it_fixed(program, cohort, clock):
    change_program(program, clock)
    clock.move_to(LATER)
    out = io.StringIO()

    call_command("reconcile", "--dry-run", stdout=out)
    dry = out.getvalue()
    call_command("reconcile", stdout=(out := io.StringIO()))

    assert "(dry run)" in dry
    assert "schedule_older_than_program: would fix 1" in dry
    assert f"  - {cohort} (Rollout, cohort {cohort.pk}): would resync" in dry
    assert out.getvalue().splitlines()[1:] == [
        "gate_met_without_decision: fixed 0",
        "decision_without_badge: fixed 0",
        "schedule_older_than_program: fixed 1",
        f"  - {cohort} (Rollout, cohort {cohort.pk}): resynced: 0 created, 0 updated, 0 cancelled",
        "interaction_weeks_out_of_date: fixed 0",
        "rotation_advisory_missing: fixed 0",
        "recovery_prompt_missing: fixed 0",
    ]


def test_the_admin_shows_runs_and_lets_nobody_edit_them(client, program, cohort, clock):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    change_program(program, clock)
    clock.move_to(LATER)
    run = reconcile()

    listing = client.get("/admin/jobs/reconciliationrun/")
    page = client.get(f"/admin/jobs/reconciliationrun/{run.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert "resynced: 0 created, 0 updated, 0 cancelled" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/jobs/reconciliationrun/add/").status_code == 403
