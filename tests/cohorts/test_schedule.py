import datetime

import pytest
import time_machine

from cohorts import services
from cohorts.models import Attendance, ScheduleItem
from cohorts.schedule import schedule_sync
from tests.cohorts.conftest import BEFORE_START
from tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _item(cohort, title):
    return cohort.schedule_items.get(title=title)


def test_workshops_keep_their_local_time_across_the_dst_change(started):
    before = _item(started, "Empathy basics")  # day 3: Wed 28 Oct, New York on EDT (UTC-4)
    after = _item(started, "Active listening")  # day 10: Wed 4 Nov, New York on EST (UTC-5)

    assert before.starts_at == datetime.datetime(2026, 10, 28, 14, 0, tzinfo=UTC)
    assert after.starts_at == datetime.datetime(2026, 11, 4, 15, 0, tzinfo=UTC)
    assert after.ends_at - after.starts_at == datetime.timedelta(minutes=60)


def test_a_module_week_spanning_the_change_runs_midnight_to_midnight_local(started):
    week = _item(started, "Reflective listening")

    assert week.starts_at == datetime.datetime(2026, 10, 26, 4, 0, tzinfo=UTC)  # 00:00 EDT
    assert week.due_at == datetime.datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # 00:00 EST
    assert week.due_at - week.starts_at == datetime.timedelta(days=7, hours=1)


def test_the_api_shows_times_in_the_cohort_zone(manager_api, started, facilitator):
    manager_api.force_authenticate(facilitator)

    items = manager_api.get(f"/api/cohorts/{started.pk}/schedule/").json()

    by_title = {item["title"]: item for item in items}
    assert by_title["Empathy basics"]["starts_at_local"] == "2026-10-28T10:00:00-04:00"
    assert by_title["Active listening"]["starts_at_local"] == "2026-11-04T10:00:00-05:00"


def test_starting_lays_out_workshops_modules_and_coaching_weeks(started):
    kinds = list(started.schedule_items.values_list("kind", flat=True))

    assert kinds.count("workshop") == 2
    assert kinds.count("module") == 6
    assert kinds.count("coaching") == 5  # days 31-60 are five (partial) weeks
    coaching = started.schedule_items.filter(kind="coaching").order_by("coaching_week")
    assert coaching.first().starts_at.date() == datetime.date(2026, 11, 25)  # day 31


def test_moving_the_start_moves_future_items_only_and_keeps_attendance(started, facilitator):
    first = _item(started, "Empathy basics")
    enrollment = started.enrollments.first()
    services.attendance_record(item=first, attended={enrollment.pk: True}, by=facilitator)
    second = _item(started, "Active listening")

    # Day 4 of the cohort: the first workshop is history, the second is ahead.
    with time_machine.travel(datetime.datetime(2026, 10, 29, 12, tzinfo=UTC), tick=False):
        services.cohort_reschedule(cohort=started, start_date=datetime.date(2026, 10, 27))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.starts_at == datetime.datetime(2026, 10, 28, 14, 0, tzinfo=UTC)
    assert second.starts_at == datetime.datetime(2026, 11, 5, 15, 0, tzinfo=UTC)
    assert second.sequence == 1
    assert Attendance.objects.get(item=first).attended


def test_a_moved_session_stays_where_it_was_put(started, facilitator, manager_api):
    manager_api.force_authenticate(facilitator)
    session = _item(started, "Active listening")

    response = manager_api.post(
        f"/api/schedule-items/{session.pk}/move/",
        {"starts_at": "2026-11-05T09:00:00-05:00", "location": "Room 2"},
        format="json",
    )
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_reschedule(cohort=started, start_date=datetime.date(2026, 10, 27))

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.starts_at == datetime.datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
    assert session.ends_at == datetime.datetime(2026, 11, 5, 15, 0, tzinfo=UTC)
    assert (session.moved, session.location, session.sequence) == (True, "Room 2", 1)


def test_editing_the_program_adds_and_cancels_future_items(started, program):
    removed = program.workshops.get(title="Active listening")
    item = _item(started, "Active listening")
    Attendance.objects.create(enrollment=started.enrollments.first(), item=item, attended=True)
    removed.delete()
    ModuleFactory(phase=program.phases.get(order=3), week=1, topic="Certification prep")

    with time_machine.travel(BEFORE_START, tick=False):
        result = schedule_sync(cohort=started)

    item.refresh_from_db()
    assert result == {"created": 1, "updated": 0, "cancelled": 1}
    assert item.cancelled
    assert item.sequence == 1
    assert item.attendance.count() == 1
    assert started.schedule_items.filter(title="Certification prep").exists()


def test_syncing_twice_changes_nothing(started):
    with time_machine.travel(BEFORE_START, tick=False):
        assert schedule_sync(cohort=started) == {"created": 0, "updated": 0, "cancelled": 0}
    assert ScheduleItem.objects.filter(cohort=started, sequence__gt=0).count() == 0


def test_program_edit_through_the_api_resyncs_running_cohorts(
    started, program, django_capture_on_commit_callbacks, client
):
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    phase = program.phases.get(order=3)

    with (
        time_machine.travel(BEFORE_START, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/api/modules/",
            {"phase": phase.pk, "week": 2, "topic": "Late addition"},
            content_type="application/json",
        )

    assert response.status_code == 201
    assert started.schedule_items.filter(title="Late addition").exists()


def test_only_a_published_program_gets_a_cohort(manager_api):
    from tests.factories import ProgramFactory

    draft = ProgramFactory()

    response = manager_api.post(
        "/api/cohorts/",
        {"program": draft.pk, "name": "Q1", "start_date": "2027-01-04", "time_zone": "UTC"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"program": ["Cohorts can only be opened for a published program."]}


def test_a_program_that_does_not_exist_gets_no_cohort(manager_api):
    response = manager_api.post(
        "/api/cohorts/",
        {"program": 999999, "name": "Q1", "start_date": "2027-01-04", "time_zone": "UTC"},
        format="json",
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["program"][0]


def test_manager_opens_a_cohort_and_becomes_its_facilitator(manager_api, program):
    response = manager_api.post(
        "/api/cohorts/",
        {
            "program": program.pk,
            "name": "EMEA Q1",
            "start_date": "2027-01-04",
            "time_zone": "Europe/Berlin",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["facilitators"] == [manager_api.user.pk]
    assert response.json()["status"] == "planned"


def test_a_bad_time_zone_is_a_400(manager_api, program):
    response = manager_api.post(
        "/api/cohorts/",
        {"program": program.pk, "name": "X", "start_date": "2027-01-04", "time_zone": "Nowhere"},
        format="json",
    )

    assert response.status_code == 400
    assert "time_zone" in response.json()


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        ("0001-01-01T09:00:00Z", "between the years 1970 and 2200"),
        ("9999-12-31T23:00:00Z", "between the years 1970 and 2200"),
        ("2031-01-01T09:00:00Z", "within a year of the cohort's days"),
        ("2025-01-01T09:00:00Z", "within a year of the cohort's days"),
    ],
)
def test_a_session_is_not_moved_far_from_its_cohort(
    started, facilitator, manager_api, starts_at, message
):
    manager_api.force_authenticate(facilitator)
    session = _item(started, "Active listening")

    response = manager_api.post(
        f"/api/schedule-items/{session.pk}/move/", {"starts_at": starts_at}, format="json"
    )

    assert response.status_code == 400
    assert message in response.json()["starts_at"][0]
    session.refresh_from_db()
    assert (session.moved, session.sequence) == (False, 0)
    assert manager_api.get(f"/api/cohorts/{started.pk}/schedule/").status_code == 200


def test_a_cohort_start_date_out_of_range_is_a_400(program, manager_api):
    response = manager_api.post(
        "/api/cohorts/",
        {"program": program.pk, "name": "Far", "start_date": "9999-12-01",
         "time_zone": "UTC"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.json()) == ["start_date"]
