"""A cohort's statuses and how it ends: scheduled, running, finished (on its last day, early
or after an extension), each agent completed or not against the program's completion rule."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import Notification, Outbox, ReminderKind
from accounts.reminders import outbox_deliver
from cohorts import services
from cohorts.models import Attendance, Cohort, Enrollment, EnrollmentEvent, ScheduleItem
from tests.cohorts.conftest import BEFORE_START, START, enrol
from tests.factories import CohortFactory, ManagerFactory

UTC = datetime.UTC
DAY_1_NOON = datetime.datetime(2026, 10, 26, 16, tzinfo=UTC)  # 12:00 in New York
DAY_20 = datetime.datetime(2026, 11, 14, 17, tzinfo=UTC)
# The rollout program has 90 days: the last day is 23 January 2027; the cohort ends at
# midnight after it in New York (EST, UTC-5): 05:00 UTC on 24 January.
ENDS = datetime.datetime(2027, 1, 24, 5, tzinfo=UTC)
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def on_day_20():
    """Day 20, both workshops past, unless a test says otherwise: the results never depend
    on today's date."""
    with time_machine.travel(DAY_20, tick=False):
        yield


@pytest.fixture
def lenient(program):
    """Completed = one workshop attended; modules and coaching not required."""
    program.completion_workshops_min = 1
    program.completion_modules_min = 0
    program.completion_coaching_min = 0
    program.save()
    return program


@pytest.fixture
def two_agents(cohort, lenient):
    """Ada attended the first workshop, Bo did not; the cohort is started (scheduled)."""
    ada, bo = enrol(cohort, 2)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    workshop = cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).first()
    Attendance.objects.create(enrollment=ada, item=workshop, attended=True)
    Attendance.objects.create(enrollment=bo, item=workshop, attended=False)
    cohort.refresh_from_db()
    return ada, bo


def _status(obj):
    obj.refresh_from_db()
    return obj.status


# --- Statuses ------------------------------------------------------------------------------


def test_a_cohort_started_before_day_1_is_scheduled(cohort):
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)

    assert _status(cohort) == Cohort.Status.SCHEDULED


def test_a_cohort_started_on_day_1_is_running_at_once(cohort):
    with time_machine.travel(DAY_1_NOON, tick=False):
        services.cohort_start(cohort=cohort)

    assert _status(cohort) == Cohort.Status.RUNNING


def test_the_sweep_moves_a_scheduled_cohort_to_running_on_day_1(cohort, two_agents):
    services.cohort_status_sweep(now=datetime.datetime(2026, 10, 26, 3, 59, tzinfo=UTC))
    assert _status(cohort) == Cohort.Status.SCHEDULED
    # Midnight in New York (EDT, UTC-4) on 26 October.
    services.cohort_status_sweep(now=datetime.datetime(2026, 10, 26, 4, tzinfo=UTC))
    assert _status(cohort) == Cohort.Status.RUNNING


def test_moving_day_1_of_a_running_cohort_into_the_future_makes_it_scheduled_again(
    cohort, two_agents
):
    services.cohort_status_sweep(now=DAY_1_NOON)
    assert _status(cohort) == Cohort.Status.RUNNING

    services.cohort_reschedule(
        cohort=cohort, start_date=datetime.date(2026, 12, 7), now=DAY_1_NOON + MINUTE
    )

    assert _status(cohort) == Cohort.Status.SCHEDULED


def test_the_sweep_finishes_a_cohort_at_local_midnight_after_its_last_day(cohort, two_agents):
    services.cohort_status_sweep(now=ENDS - MINUTE)
    assert _status(cohort) == Cohort.Status.RUNNING

    services.cohort_status_sweep(now=ENDS)

    assert _status(cohort) == Cohort.Status.FINISHED
    assert cohort.closed_at == ENDS
    assert cohort.close_reason == ""


def test_each_agent_is_completed_or_not_with_what_they_missed(cohort, two_agents):
    ada, bo = two_agents

    services.cohort_status_sweep(now=ENDS)

    assert _status(ada) == Enrollment.Status.COMPLETED
    assert ada.missing_items == []
    assert _status(bo) == Enrollment.Status.NOT_COMPLETED
    assert bo.missing_items == ["workshops attended: 0 of 1 needed"]
    event = bo.events.order_by("at", "id").last()
    assert (event.from_status, event.to_status) == ("active", "not_completed")
    assert "workshops attended: 0 of 1 needed" in event.reason


def test_the_default_rule_asks_for_every_item_progress_counts(cohort, program):
    (ada,) = enrol(cohort, 1)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    for workshop in cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP):
        Attendance.objects.create(enrollment=ada, item=workshop, attended=True)

    services.cohort_status_sweep(now=ENDS)

    ada.refresh_from_db()
    assert ada.status == Enrollment.Status.NOT_COMPLETED
    assert ada.missing_items == ["modules completed: 0 of 6 needed"]  # alone: no partner


def test_closing_early_asks_only_for_what_was_due(cohort, program, facilitator):
    (ada,) = enrol(cohort, 1)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    first = cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).order_by("starts_at")[0]
    Attendance.objects.create(enrollment=ada, item=first, attended=True)

    # Day 6: the first workshop (day 3) is past; the second (day 10) and every module
    # window (the first is due after day 7) are still ahead.
    services.cohort_close(
        cohort=cohort, by=facilitator, now=datetime.datetime(2026, 10, 31, 16, tzinfo=UTC)
    )

    ada.refresh_from_db()
    assert (ada.status, ada.missing_items) == (Enrollment.Status.COMPLETED, [])


def test_certification_is_missing_when_the_rule_asks_for_it(cohort, two_agents, lenient):
    lenient.completion_requires_certification = True
    lenient.save()
    ada, _ = two_agents

    services.cohort_status_sweep(now=ENDS)

    ada.refresh_from_db()
    assert ada.status == Enrollment.Status.NOT_COMPLETED
    assert ada.missing_items == ["certification"]


def test_withdrawn_agents_keep_their_status(cohort, two_agents, facilitator):
    _, bo = two_agents
    services.enrollment_withdraw(enrollment=bo, by=facilitator, reason="Left the team")

    services.cohort_status_sweep(now=ENDS)

    assert _status(bo) == Enrollment.Status.WITHDRAWN
    assert bo.missing_items == []


def test_agents_are_told_their_outcome_once(cohort, two_agents):
    ada, bo = two_agents

    services.cohort_status_sweep(now=ENDS)

    rows = Outbox.objects.filter(kind=ReminderKind.PROGRAM_OUTCOME)
    assert sorted(rows.values_list("object_id", flat=True)) == sorted([ada.pk, bo.pk])
    for row in rows:
        outbox_deliver(outbox_id=row.pk, now=ENDS + datetime.timedelta(days=1))
    titles = dict(Notification.objects.values_list("user_id", "title"))
    assert titles[ada.agent_id] == "You completed Rollout"
    assert titles[bo.agent_id] == "Rollout has ended: not completed"
    to_bo = next(m for m in mail.outbox if m.to == [bo.agent.email])
    assert "still missing: workshops attended: 0 of 1 needed" in to_bo.body
    assert "List-Unsubscribe" not in to_bo.extra_headers  # told once, not a reminder


def test_closing_out_twice_adds_no_events_or_notifications(cohort, two_agents):
    services.cohort_status_sweep(now=ENDS)
    events = EnrollmentEvent.objects.count()
    rows = list(Outbox.objects.values_list("pk", flat=True))
    for pk in rows:
        outbox_deliver(outbox_id=pk, now=ENDS + datetime.timedelta(days=1))

    services.cohort_status_sweep(now=ENDS + MINUTE)
    services.cohort_close(cohort=cohort, now=ENDS + MINUTE)
    for pk in Outbox.objects.values_list("pk", flat=True):
        outbox_deliver(outbox_id=pk, now=ENDS + datetime.timedelta(days=2))

    assert EnrollmentEvent.objects.count() == events
    assert list(Outbox.objects.values_list("pk", flat=True)) == rows
    assert Notification.objects.count() == 2


def test_a_planned_cohort_cannot_be_closed(cohort):
    with pytest.raises(services.ValidationError) as error:
        services.cohort_close(cohort=cohort, by=ManagerFactory())

    assert "status" in error.value.message_dict
    assert _status(cohort) == Cohort.Status.PLANNED


def test_a_sweep_with_nothing_to_change_reads_the_cohorts_once(
    cohort, two_agents, django_assert_num_queries
):
    services.cohort_status_sweep(now=DAY_1_NOON)  # scheduled -> running
    for n in range(3):
        other = CohortFactory(program=cohort.program, name=f"Other {n}", start_date=START)
        services.cohort_start(cohort=other, now=DAY_1_NOON)

    # One query: the started cohorts with their program's length.
    with django_assert_num_queries(1):
        assert services.cohort_status_sweep(now=DAY_1_NOON) == {"running": 0, "finished": 0}


# --- Time zones ----------------------------------------------------------------------------


def test_a_los_angeles_cohort_finishes_at_its_midnight_across_the_dst_change(program):
    """Day 1 in summer time (PDT, UTC-7); the last day, 2 November, is in winter time (PST,
    UTC-8): the cohort ends at 08:00 UTC on 3 November, not 07:00."""
    cohort = CohortFactory(
        program=program, start_date=datetime.date(2026, 8, 5), time_zone="America/Los_Angeles"
    )
    enrol(cohort, 1)
    with time_machine.travel(datetime.datetime(2026, 8, 1, tzinfo=UTC), tick=False):
        services.cohort_start(cohort=cohort)

    assert cohort.last_day == datetime.date(2026, 11, 2)
    services.cohort_status_sweep(now=datetime.datetime(2026, 11, 3, 7, 59, tzinfo=UTC))
    assert _status(cohort) == Cohort.Status.RUNNING
    services.cohort_status_sweep(now=datetime.datetime(2026, 11, 3, 8, tzinfo=UTC))
    assert _status(cohort) == Cohort.Status.FINISHED


# --- Early close and extension -------------------------------------------------------------


def test_a_manager_closing_after_the_end_is_not_an_early_close(cohort, two_agents, facilitator):
    services.cohort_close(cohort=cohort, by=facilitator, reason="Tidying up", now=ENDS + DAY)

    assert _status(cohort) == Cohort.Status.FINISHED
    assert cohort.close_reason == ""
    assert not EnrollmentEvent.objects.filter(reason__contains="closed early").exists()


def test_a_manager_closes_early_with_a_reason(cohort, two_agents, facilitator):
    ada, bo = two_agents
    early = datetime.datetime(2026, 12, 1, 15, tzinfo=UTC)

    services.cohort_close(cohort=cohort, by=facilitator, reason="Team reorganised", now=early)

    assert _status(cohort) == Cohort.Status.FINISHED
    assert (cohort.closed_at, cohort.close_reason) == (early, "Team reorganised")
    event = ada.events.order_by("at", "id").last()
    assert event.by == facilitator
    assert "closed early: Team reorganised" in event.reason
    assert _status(bo) == Enrollment.Status.NOT_COMPLETED


def test_an_extended_cohort_ends_after_its_new_last_day(cohort, two_agents, facilitator):
    services.cohort_extend(
        cohort=cohort, last_day=datetime.date(2027, 1, 30), reason="Holidays", by=facilitator
    )

    services.cohort_status_sweep(now=ENDS)
    assert _status(cohort) == Cohort.Status.RUNNING
    assert (cohort.end_date, cohort.extension_reason) == (datetime.date(2027, 1, 30), "Holidays")
    services.cohort_status_sweep(now=datetime.datetime(2027, 1, 31, 5, tzinfo=UTC))
    assert _status(cohort) == Cohort.Status.FINISHED


def test_an_extension_needs_a_later_day_and_a_reason(cohort, two_agents):
    with pytest.raises(services.ValidationError) as error:
        services.cohort_extend(cohort=cohort, last_day=datetime.date(2027, 1, 23), reason=" ")

    assert set(error.value.message_dict) == {"last_day", "reason"}
    cohort.refresh_from_db()
    assert cohort.end_date is None


def test_an_extension_to_a_day_that_has_passed_is_refused(cohort, two_agents):
    with pytest.raises(services.ValidationError) as error:
        services.cohort_extend(
            cohort=cohort, last_day=datetime.date(2027, 1, 30), reason="Late", now=ENDS + 7 * DAY
        )

    assert "has passed" in str(error.value.message_dict["last_day"])


def test_a_finished_cohort_cannot_be_extended(cohort, two_agents):
    services.cohort_status_sweep(now=ENDS)

    with pytest.raises(services.ValidationError):
        services.cohort_extend(cohort=cohort, last_day=datetime.date(2027, 3, 1), reason="Late")


def test_rescheduling_moves_an_extended_last_day_too(cohort, two_agents):
    services.cohort_extend(cohort=cohort, last_day=datetime.date(2027, 1, 30), reason="Holidays")

    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_reschedule(cohort=cohort, start_date=START + datetime.timedelta(days=7))

    cohort.refresh_from_db()
    assert cohort.end_date == datetime.date(2027, 2, 6)


# --- API -----------------------------------------------------------------------------------


def test_api_close_and_extend(manager_api, cohort, two_agents, facilitator):
    manager_api.force_authenticate(facilitator)

    extended = manager_api.post(
        f"/api/cohorts/{cohort.pk}/extend/", {"last_day": "2027-02-01", "reason": "Holidays"}
    )
    closed = manager_api.post(f"/api/cohorts/{cohort.pk}/close/", {"reason": "Done early"})

    assert extended.status_code == 200
    assert extended.json()["last_day"] == "2027-02-01"
    assert closed.status_code == 200
    assert closed.json()["status"] == "finished"
    assert closed.json()["close_reason"] == "Done early"


def test_api_extend_errors_are_field_errors(manager_api, cohort, two_agents, facilitator):
    manager_api.force_authenticate(facilitator)

    response = manager_api.post(
        f"/api/cohorts/{cohort.pk}/extend/", {"last_day": "2026-11-01", "reason": "Oops"}
    )

    assert response.status_code == 400
    assert "last_day" in response.json()


def test_api_another_manager_gets_404(manager_api, cohort, two_agents):
    manager_api.force_authenticate(ManagerFactory())

    for action in ("close", "extend"):
        response = manager_api.post(
            f"/api/cohorts/{cohort.pk}/{action}/", {"last_day": "2027-02-01", "reason": "x"}
        )
        assert response.status_code == 404
    assert _status(cohort) == Cohort.Status.SCHEDULED


def test_api_an_agent_gets_403(agent_api, cohort, two_agents):
    ada, _ = two_agents
    agent_api.force_authenticate(ada.agent)

    for action in ("close", "extend"):
        response = agent_api.post(
            f"/api/cohorts/{cohort.pk}/{action}/", {"last_day": "2027-02-01", "reason": "x"}
        )
        assert response.status_code == 403
    assert _status(cohort) == Cohort.Status.SCHEDULED


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def test_the_close_page_asks_first_and_shows_each_outcome(signed_in, cohort, two_agents):
    page = signed_in.get(f"/cohorts/{cohort.pk}/close/").content.decode()

    assert "Close the cohort now" in page
    assert "Attend at least 1 workshops" in page
    assert page.count("Not completed") == 1
    assert "workshops attended: 0 of 1 needed" in page
    assert _status(cohort) == Cohort.Status.SCHEDULED  # the GET changes nothing


def test_closing_on_the_page_shows_outcomes_in_the_enrolled_section(signed_in, cohort, two_agents):
    response = signed_in.post(f"/cohorts/{cohort.pk}/close/", {"reason": "Merged teams"})
    page = signed_in.get(response.url).content.decode()

    assert response.url.endswith("#enrolled")
    assert _status(cohort) == Cohort.Status.FINISHED
    assert "Missing: workshops attended: 0 of 1 needed" in page
    assert "The cohort is closed" in page


def test_extending_on_the_page_shows_field_errors(signed_in, cohort, two_agents):
    page = signed_in.post(
        f"/cohorts/{cohort.pk}/extend/", {"last_day": "2026-11-01", "reason": ""}
    ).content.decode()

    assert 'aria-invalid="true"' in page
    assert "Say why the cohort is extended." in page
    cohort.refresh_from_db()
    assert cohort.end_date is None


def test_extending_on_the_page(signed_in, cohort, two_agents):
    response = signed_in.post(
        f"/cohorts/{cohort.pk}/extend/", {"last_day": "2027-02-01", "reason": "Holidays"}
    )
    page = signed_in.get(response.url).content.decode()

    assert response.url.endswith("#cohort-status")
    assert "Last day: Monday 1 February 2027 (extended: Holidays)" in page


def test_another_manager_gets_404_on_the_close_and_extend_pages(client, cohort, two_agents):
    client.force_login(ManagerFactory())

    for action in ("close", "extend"):
        assert client.get(f"/cohorts/{cohort.pk}/{action}/").status_code == 404
        assert client.post(f"/cohorts/{cohort.pk}/{action}/").status_code == 404


def test_an_agent_gets_403_on_the_close_page(client, cohort, two_agents):
    ada, _ = two_agents
    client.force_login(ada.agent)

    assert client.post(f"/cohorts/{cohort.pk}/close/").status_code == 403
    assert _status(cohort) == Cohort.Status.SCHEDULED


def test_the_plan_shows_the_rule_then_the_outcome(client, cohort, two_agents):
    _, bo = two_agents
    client.force_login(bo.agent)
    with time_machine.travel(DAY_1_NOON, tick=False):
        before = client.get("/plan/").content.decode()
    services.cohort_status_sweep(now=ENDS)
    after = client.get("/plan/").content.decode()

    assert "To complete the program" in before
    assert "Attend at least 1 workshops" in before
    assert "Programs you finished" in after
    assert "Not completed" in after
    assert "Missing: workshops attended: 0 of 1 needed" in after


# --- Demo ----------------------------------------------------------------------------------


def test_the_demo_has_a_finished_cohort_with_both_outcomes(db):
    from django.core.management import call_command

    from cohorts.demo import demo_finished_cohort_create
    from tests.factories import AgentFactory

    call_command("load_playbook")
    manager, agents = ManagerFactory(), AgentFactory.create_batch(3)

    cohort = demo_finished_cohort_create(manager=manager, agents=agents)
    again = demo_finished_cohort_create(manager=manager, agents=agents)

    assert again == cohort
    assert cohort.status == Cohort.Status.FINISHED
    statuses = sorted(cohort.enrollments.values_list("status", flat=True))
    assert statuses == ["completed", "completed", "not_completed"]
    assert cohort.enrollments.get(agent=agents[-1]).missing_items == [
        "modules completed: 0 of 2 needed"
    ]


def test_the_cohort_list_gives_each_end_in_a_fixed_number_of_queries(
    manager_api, cohort, program, facilitator, django_assert_max_num_queries
):
    manager_api.force_authenticate(facilitator)
    for n in range(4):
        CohortFactory(program=program, name=f"Other {n}", facilitators=[facilitator])

    # Session and user, count, cohorts with their program's length, facilitators.
    with django_assert_max_num_queries(5):
        response = manager_api.get("/api/cohorts/")

    rows = response.json()["results"]
    assert len(rows) == 5
    mine = next(row for row in rows if row["id"] == cohort.pk)
    assert (mine["last_day"], mine["ends_at"]) == ("2027-01-23", "2027-01-24T05:00:00+00:00")


def test_extending_and_closing_on_the_page_are_in_the_audit_trail(
    signed_in, cohort, two_agents, facilitator
):
    from auditlog.models import LogEntry

    signed_in.post(f"/cohorts/{cohort.pk}/extend/", {"last_day": "2027-02-01", "reason": "Snow"})
    signed_in.post(f"/cohorts/{cohort.pk}/close/", {"reason": "Merged"})

    entries = LogEntry.objects.get_for_object(cohort).order_by("timestamp", "pk")
    extended, closed = [entry.changes_dict for entry in entries][-2:]
    assert extended["end_date"][1] == "2027-02-01"
    assert extended["extension_reason"][1] == "Snow"
    assert closed["status"][1] == "finished"
    assert closed["close_reason"][1] == "Merged"
    assert {entry.actor for entry in entries.reverse()[:2]} == {facilitator}
