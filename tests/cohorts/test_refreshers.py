"""Quarterly refreshers: who the quarter's cohort enrols and who it skips, once per
schedule and quarter, with the quarter taken in the schedule's own time zone."""

import datetime
import io
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from certification.models import CertificationDecision
from certification.services import certification_status, role_play_assess, role_play_book
from cohorts import services
from cohorts.models import Cohort, Enrollment, RefresherRun, RefresherSchedule, ScheduleItem
from cohorts.services.refreshers import quarter_start, refresher_start_date
from cohorts.tasks import refreshers_open_task
from programs.models import Program
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
)

# Friday 1 January 2027, 09:00 UTC: the first quarter of 2027 has begun everywhere.
NEW_YEAR = datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC)


def certify(agent, program, *, decided, expires=None, status="completed"):
    """A certification decided on `decided`, from an enrolment in a past cohort."""
    cohort = CohortFactory(program=program, start_date=datetime.date(2025, 1, 6))
    enrollment = EnrollmentFactory(cohort=cohort, agent=agent, status=status)
    return CertificationDecision.objects.create(
        enrollment=enrollment,
        agent=agent,
        program=program,
        evidence={},
        evidence_hash=f"{agent.pk}-{decided:%Y%m%d}",
        decided_at=decided,
        expires_at=expires,
    )


def refreshed(agent, refresher, start_date):
    cohort = CohortFactory(program=refresher, start_date=start_date)
    return EnrollmentFactory(cohort=cohort, agent=agent, status="completed")


def enrolled(run) -> set[str]:
    return set(run.cohort.enrollments.values_list("agent__email", flat=True))


LONG_AGO = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
NEXT_YEAR = datetime.datetime(2027, 12, 31, tzinfo=datetime.UTC)


def test_the_quarter_and_its_first_monday():
    assert quarter_start(datetime.date(2027, 3, 31)) == datetime.date(2027, 1, 1)
    assert quarter_start(datetime.date(2027, 4, 1)) == datetime.date(2027, 4, 1)
    first = datetime.date(2027, 1, 1)  # a Friday
    assert refresher_start_date(first_day=first, today=first) == datetime.date(2027, 1, 4)
    # The sweep ran late (the Wednesday after the first Monday): the next Monday.
    late = datetime.date(2027, 1, 6)
    assert refresher_start_date(first_day=first, today=late) == datetime.date(2027, 1, 11)


@time_machine.travel(NEW_YEAR, tick=False)
def test_it_enrols_certified_agents_and_skips_the_others(playbook, schedule):
    source, refresher = playbook
    never_refreshed = AgentFactory(email="never@example.com")
    certify(never_refreshed, source, decided=LONG_AGO, expires=NEXT_YEAR)
    refreshed_long_ago = AgentFactory(email="long-ago@example.com")
    certify(refreshed_long_ago, source, decided=LONG_AGO, expires=NEXT_YEAR)
    refreshed(refreshed_long_ago, refresher, datetime.date(2026, 9, 28))
    refreshed_recently = AgentFactory(email="recent@example.com")
    certify(refreshed_recently, source, decided=LONG_AGO, expires=NEXT_YEAR)
    refreshed(refreshed_recently, refresher, datetime.date(2026, 11, 2))
    expiring = AgentFactory(email="expiring@example.com")
    certify(expiring, source, decided=LONG_AGO, expires=NEW_YEAR + datetime.timedelta(days=60))
    refreshed(expiring, refresher, datetime.date(2026, 11, 2))
    left = AgentFactory(email="left@example.com", left_on=datetime.date(2026, 12, 18))
    certify(left, source, decided=LONG_AGO, expires=NEXT_YEAR)
    withdrawn = AgentFactory(email="withdrawn@example.com")
    certify(withdrawn, source, decided=LONG_AGO, expires=NEXT_YEAR, status="withdrawn")
    expired = AgentFactory(email="expired@example.com")
    certify(
        expired,
        source,
        decided=LONG_AGO,
        expires=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    AgentFactory(email="never-certified@example.com")

    result = services.refresher_open(schedule=schedule)

    assert result.created
    assert enrolled(result.run) == {
        "never@example.com",
        "long-ago@example.com",
        "expiring@example.com",
    }
    assert result.run.enrolled == 3


@time_machine.travel(NEW_YEAR, tick=False)
def test_an_agent_leaving_later_is_still_enrolled(playbook, schedule):
    source, _ = playbook
    leaving = AgentFactory(left_on=datetime.date(2027, 2, 26))
    certify(leaving, source, decided=LONG_AGO, expires=NEXT_YEAR)

    run = services.refresher_open(schedule=schedule).run

    assert run.cohort.enrollments.filter(agent=leaving).exists()


@time_machine.travel(NEW_YEAR, tick=False)
def test_it_opens_a_started_cohort_named_for_the_quarter(playbook, schedule, facilitator):
    source, refresher = playbook
    coach = CoachFactory()
    services.refresher_schedule_update(
        schedule=schedule, facilitators=[coach], session_time=datetime.time(14, 30)
    )
    for _ in range(2):
        certify(AgentFactory(), source, decided=LONG_AGO, expires=NEXT_YEAR)

    cohort = services.refresher_open(schedule=schedule).run.cohort

    assert cohort.name == "Empathy Refresher 2027-Q1"
    assert cohort.program == refresher
    assert cohort.start_date == datetime.date(2027, 1, 4)
    assert cohort.status == Cohort.Status.SCHEDULED
    assert cohort.time_zone == "Europe/London"
    assert cohort.session_time == datetime.time(14, 30)
    assert set(cohort.facilitators.all()) == {facilitator, coach}
    assert cohort.schedule_items.filter(kind=ScheduleItem.Kind.MODULE).count() == 4
    assert cohort.coaching_pairs.exists()


@time_machine.travel(NEW_YEAR, tick=False)
def test_the_previous_quarter_refresher_does_not_hold_an_agent_back(playbook, schedule):
    source, _ = playbook
    agent = AgentFactory()
    certify(agent, source, decided=LONG_AGO, expires=NEXT_YEAR)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)):
        autumn = services.refresher_open(schedule=schedule).run
    Enrollment.objects.filter(cohort=autumn.cohort).update(status="completed")

    winter = services.refresher_open(schedule=schedule).run

    assert autumn.cohort.start_date == datetime.date(2026, 10, 5)
    assert winter.cohort.enrollments.filter(agent=agent).exists()


@time_machine.travel(NEW_YEAR, tick=False)
def test_running_twice_in_a_quarter_opens_one_cohort_and_enrols_once(playbook, schedule):
    source, _ = playbook
    agent = AgentFactory()
    certify(agent, source, decided=LONG_AGO, expires=NEXT_YEAR)

    assert refreshers_open_task() == 1
    late_certified = AgentFactory()
    certify(late_certified, source, decided=NEW_YEAR, expires=NEXT_YEAR)
    with time_machine.travel(NEW_YEAR + datetime.timedelta(days=40), tick=False):
        assert refreshers_open_task() == 0

    assert RefresherRun.objects.count() == 1
    assert Cohort.objects.filter(program=schedule.refresher_program).count() == 1
    assert Enrollment.objects.filter(agent=agent, program=schedule.refresher_program).count() == 1


@time_machine.travel(NEW_YEAR, tick=False)
def test_an_inactive_schedule_opens_nothing(schedule):
    services.refresher_schedule_update(schedule=schedule, is_active=False)

    assert refreshers_open_task() == 0
    assert not RefresherRun.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_open_one_cohort(playbook, facilitator):
    source, refresher = playbook
    schedule = services.refresher_schedule_create(
        created_by=facilitator, source_program=source, refresher_program=refresher
    )
    certify(AgentFactory(), source, decided=LONG_AGO, expires=NEXT_YEAR)
    barrier = threading.Barrier(2)
    results = []

    def open_it():
        barrier.wait()
        with time_machine.travel(NEW_YEAR, tick=False):
            results.append(services.refresher_open(schedule=schedule).created)
        connection.close()

    workers = [threading.Thread(target=open_it) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(results) == [False, True]
    assert Enrollment.objects.filter(program=refresher).count() == 1


def test_the_quarter_turns_in_the_schedule_time_zone(schedule):
    """31 March 2027 14:30 UTC is already 1 April 01:30 in Sydney: its second quarter has
    begun there, not yet in London."""
    sydney = services.refresher_schedule_create(
        created_by=schedule.created_by,
        source_program=schedule.source_program,
        refresher_program=schedule.refresher_program,
        time_zone="Australia/Sydney",
    )
    with time_machine.travel(datetime.datetime(2027, 3, 31, 14, 30, tzinfo=datetime.UTC)):
        opened = {r.run.schedule_id: r.run for r in services.refreshers_open_due()}

    assert opened[sydney.pk].quarter_start == datetime.date(2027, 4, 1)
    assert opened[sydney.pk].cohort.name == "Empathy Refresher 2027-Q2"
    assert opened[sydney.pk].cohort.start_date == datetime.date(2027, 4, 5)
    assert opened[schedule.pk].quarter_start == datetime.date(2027, 1, 1)
    assert opened[schedule.pk].cohort.start_date == datetime.date(2027, 4, 5)  # ran late


@time_machine.travel(NEW_YEAR, tick=False)
def test_a_schedule_whose_refresher_was_archived_is_skipped(playbook, schedule):
    Program.objects.filter(pk=schedule.refresher_program_id).update(status="archived")

    assert services.refreshers_open_due() == []
    assert not RefresherRun.objects.exists()


def test_the_creator_always_facilitates(schedule, facilitator):
    coach = CoachFactory()

    services.refresher_schedule_update(schedule=schedule, facilitators=[coach])

    assert set(schedule.facilitators.all()) == {facilitator, coach}


def test_only_managers_and_coaches_facilitate_and_the_refresher_is_published(playbook, schedule):
    source, _ = playbook
    with pytest.raises(ValidationError) as error:
        services.refresher_schedule_update(schedule=schedule, facilitators=[HRFactory()])
    assert "facilitators" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.refresher_schedule_update(schedule=schedule, refresher_program=source)
    assert error.value.message_dict["refresher_program"] == [
        "A program cannot be its own refresher."
    ]
    draft = Program.objects.create(name="Draft refresher")
    with pytest.raises(ValidationError) as error:
        services.refresher_schedule_update(schedule=schedule, refresher_program=draft)
    assert "published" in error.value.message_dict["refresher_program"][0]
    assert RefresherSchedule.objects.get().refresher_program.name == "Empathy Refresher"


def test_the_demo_schedules_a_refresher_that_enrols_its_certified_agent(db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    call_command("demo", "--no-serve", stdout=io.StringIO())
    schedule = RefresherSchedule.objects.get()

    run = services.refresher_open(schedule=schedule).run

    assert schedule.source_program.name == "Empathy Essentials"
    assert {u.email for u in schedule.facilitators.all()} == {
        "manager@attune.example",
        "coach@attune.example",
    }
    # agent2 is certified; agent3's certification has expired.
    assert "agent2@attune.example" in enrolled(run)
    assert "agent3@attune.example" not in enrolled(run)


@time_machine.travel(NEW_YEAR, tick=False)
def test_a_refresher_role_play_score_counts_towards_recertification(playbook, schedule):
    """Rubric evidence is the agent's, not a cohort's: the role-play score from the
    refresher counts in the source program's recertification, once its window is open."""
    source, refresher = playbook
    agent = AgentFactory()
    decision = certify(agent, source, decided=LONG_AGO, expires=NEW_YEAR + datetime.timedelta(60))
    run = services.refresher_open(schedule=schedule).run
    assessment = role_play_book(
        enrollment=run.cohort.enrollments.get(agent=agent),
        scenario=refresher.scenario_cards.get(),
        assessor=schedule.created_by,
    )

    assessment = role_play_assess(
        assessment=assessment,
        by=schedule.created_by,
        values=dict.fromkeys(refresher.rubric.criteria.values_list("key", flat=True), 4),
        passed=True,
    )

    status = certification_status(enrollment=decision.enrollment)
    assert status.renews == decision
    assert [score.pk for score in status.scores] == [assessment.score_id]


@time_machine.travel(NEW_YEAR, tick=False)
def test_passing_the_refresher_role_play_recertifies_in_the_source_program(
    playbook, schedule, django_capture_on_commit_callbacks
):
    """Recertifying "within a refresher": its passed role-play counts as the source
    program's live role-play, and recording it evaluates the source enrolment too."""
    source, refresher = playbook
    agent = AgentFactory()
    decision = certify(agent, source, decided=LONG_AGO, expires=NEW_YEAR + datetime.timedelta(60))
    run = services.refresher_open(schedule=schedule).run
    keys = refresher.rubric.criteria.values_list("key", flat=True)
    for _ in range(3):  # the gate's recent QA scores, within the window
        services.rubric_score_create(
            rubric=refresher.rubric, scorer=schedule.created_by, subject=agent,
            context="qa", values=dict.fromkeys(keys, 4),
        )  # fmt: skip
    assessment = role_play_book(
        enrollment=run.cohort.enrollments.get(agent=agent),
        scenario=refresher.scenario_cards.get(),
        assessor=schedule.created_by,
    )

    with django_capture_on_commit_callbacks(execute=True):
        role_play_assess(
            assessment=assessment,
            by=schedule.created_by,
            values=dict.fromkeys(keys, 4),
            passed=True,
        )

    renewal = CertificationDecision.objects.get(previous=decision)
    assert renewal.enrollment == decision.enrollment
    assert renewal.expires_at > decision.expires_at
