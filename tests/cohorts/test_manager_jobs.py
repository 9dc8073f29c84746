"""A training manager's cohort jobs on the pages: open a cohort, who is enrolled, move a
session, live practice, regenerate pairs and re-lay the schedule (each confirmed first),
and the defects fixed on the way (attendance for workshops that have not happened, a
started cohort shown "Running" before day 1, messages off-screen)."""

import datetime
import re

import pytest
import time_machine

from cohorts import manager_views, services
from cohorts.models import (
    Attendance,
    CoachingPair,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    ModuleProgress,
    ScheduleItem,
)
from programs.models import Phase
from tests.cohorts.conftest import BEFORE_START, enrol
from tests.cohorts.test_manager_pages import decision_for
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    ManagerFactory,
    ProgramFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

# Day 15 of the New York cohort (26 October 2026): both workshops (days 3 and 10) and
# both foundation module weeks have started; coaching (from day 31) has not.
DAY_15 = datetime.datetime(2026, 11, 9, 15, tzinfo=datetime.UTC)
# Day 5: the first workshop (day 3) is over, the second (day 10) still to come.
DAY_5 = datetime.datetime(2026, 10, 30, 15, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def day_15():
    with time_machine.travel(DAY_15, tick=False):
        yield


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def url(cohort, rest=""):
    return f"/cohorts/{cohort.pk}/{rest}"


def section(html: str, section_id: str) -> str:
    """The HTML of one <section> of the page, by its id."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section #{section_id}"
    return match.group(0)


def top_messages(html: str) -> str:
    match = re.search(r'<ul class="messages".*?</ul>', html, re.S)
    return match.group(0) if match else ""


# --- Open a cohort -------------------------------------------------------------------------


def cohort_form(program, **changes):
    return {
        "program": program.pk,
        "name": "EMEA January",
        "start_date": "2027-01-04",
        "time_zone": "Europe/Berlin",
        "session_time": "09:30",
        "location": "Room 4",
        "video_link": "https://meet.example.com/emea",
        **changes,
    }


def test_the_list_has_a_button_to_open_a_cohort(signed_in):
    assert 'href="/cohorts/new/"' in signed_in.get("/cohorts/").content.decode()


def test_a_manager_opens_a_cohort_and_facilitates_it_without_ticking_themselves(
    signed_in, facilitator, program
):
    coach = CoachFactory()

    response = signed_in.post("/cohorts/new/", cohort_form(program, facilitators=[coach.pk]))

    cohort = Cohort.objects.get(name="EMEA January")
    assert response.url == url(cohort)
    assert set(cohort.facilitators.all()) == {facilitator, coach}
    assert cohort.time_zone == "Europe/Berlin"
    assert cohort.session_time == datetime.time(9, 30)
    assert cohort.status == Cohort.Status.PLANNED


def test_the_new_cohort_page_offers_published_programs_and_every_time_zone(signed_in, program):
    ProgramFactory(name="Still a draft")

    page = signed_in.get("/cohorts/new/").content.decode()

    assert program.name in page
    assert "Still a draft" not in page
    assert 'list="time-zones"' in page
    assert '<option value="Europe/London">' in page
    assert '<option value="America/New_York">' in page


def test_an_unknown_time_zone_is_a_field_error_not_stored(signed_in, program):
    response = signed_in.post("/cohorts/new/", cohort_form(program, time_zone="Mars/Olympus"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a time zone" in page
    assert re.search(r'<input[^>]*name="time_zone"[^>]*aria-invalid="true"', page)
    assert not Cohort.objects.filter(name="EMEA January").exists()


def test_a_draft_program_is_refused(signed_in):
    draft = ProgramFactory()

    response = signed_in.post("/cohorts/new/", cohort_form(draft))

    assert "Choose a published program." in response.content.decode()
    assert not Cohort.objects.exists()


def test_only_managers_and_coaches_can_be_chosen_as_facilitators(signed_in, program):
    agent = AgentFactory()

    page = signed_in.get("/cohorts/new/").content.decode()
    response = signed_in.post("/cohorts/new/", cohort_form(program, facilitators=[agent.pk]))

    assert str(agent) not in page
    assert response.status_code == 200
    assert not Cohort.objects.exists()


def test_the_service_refuses_an_agent_as_facilitator(facilitator, program):
    with pytest.raises(services.ValidationError) as error:
        services.cohort_create(
            program=program,
            created_by=facilitator,
            facilitators=[AgentFactory()],
            name="X",
            start_date=datetime.date(2027, 1, 4),
        )

    assert "facilitators" in error.value.message_dict


def test_a_cohort_added_in_the_admin_is_facilitated_by_whoever_added_it(client, program):
    root = ManagerFactory(is_staff=True, is_superuser=True)
    client.force_login(root)

    response = client.post(
        "/admin/cohorts/cohort/add/",
        {
            "program": program.pk,
            "name": "Added in the admin",
            "start_date": "2027-01-04",
            "time_zone": "UTC",
            "session_time": "10:00",
            "pairing_seed": "1",
            "enrollments-TOTAL_FORMS": "0",
            "enrollments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()
    cohort = Cohort.objects.get(name="Added in the admin")
    assert list(cohort.facilitators.all()) == [root]


# --- Who is enrolled -----------------------------------------------------------------------


@pytest.fixture
def withdrawn(started, facilitator):
    enrollment = started.enrollments.order_by("pk").last()
    services.enrollment_withdraw(enrollment=enrollment, by=facilitator, reason="Moved team")
    return enrollment


def test_every_enrolment_is_listed_with_team_status_and_progress(signed_in, started, withdrawn):
    enrolled = section(signed_in.get(url(started)).content.decode(), "enrolled")

    assert enrolled.count('class="enrolment"') == 6
    assert "Withdrawn" in enrolled
    assert "Billing" in enrolled
    assert "Chat" in enrolled
    assert "0.0%" in enrolled
    assert f'href="{url(started, f"enrollments/{withdrawn.pk}/withdraw/")}"' not in enrolled
    active = started.enrollments.filter(status=Enrollment.Status.ACTIVE).first()
    assert f'href="{url(started, f"enrollments/{active.pk}/withdraw/")}"' in enrolled


def test_the_history_shows_each_change_with_its_reason_and_who(
    signed_in, started, withdrawn, facilitator
):
    enrolled = section(signed_in.get(url(started)).content.decode(), "enrolled")

    assert "active → withdrawn" in enrolled
    assert f"by {facilitator}" in enrolled
    assert "(Moved team)" in enrolled


def test_withdrawing_asks_first_and_says_what_happens(signed_in, started):
    enrollment = started.enrollments.first()

    page = signed_in.get(url(started, f"enrollments/{enrollment.pk}/withdraw/")).content.decode()

    assert "What happens" in page
    assert "drawn again without them" in page
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_withdrawing_needs_a_reason(signed_in, started):
    enrollment = started.enrollments.first()

    response = signed_in.post(url(started, f"enrollments/{enrollment.pk}/withdraw/"), {})

    assert "Say why the agent is withdrawn." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_withdrawing_with_a_reason_withdraws_and_says_so_in_the_section(signed_in, started):
    enrollment = started.enrollments.first()

    response = signed_in.post(
        url(started, f"enrollments/{enrollment.pk}/withdraw/"), {"reason": "Left the company"}
    )
    page = signed_in.get(response.url).content.decode()

    assert response.url.endswith("#enrolled")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert EnrollmentEvent.objects.filter(enrollment=enrollment, reason="Left the company")
    assert f"{enrollment.agent} is withdrawn" in section(page, "enrolled")


def test_reactivating_brings_a_withdrawn_agent_back(signed_in, started, withdrawn):
    response = signed_in.post(
        url(started, f"enrollments/{withdrawn.pk}/reactivate/"), {"reason": "Back from leave"}
    )
    page = signed_in.get(response.url).content.decode()

    withdrawn.refresh_from_db()
    assert withdrawn.status == Enrollment.Status.ACTIVE
    assert withdrawn.events.last().reason == "Back from leave"
    assert "is active again" in section(page, "enrolled")


def test_reactivating_someone_active_is_an_error_in_the_section(signed_in, started):
    enrollment = started.enrollments.first()

    response = signed_in.post(url(started, f"enrollments/{enrollment.pk}/reactivate/"), {})
    page = signed_in.get(response.url).content.decode()

    assert "The enrolment is Active." in section(page, "enrolled")


def test_a_large_cohort_is_listed_page_by_page(signed_in, started, monkeypatch):
    monkeypatch.setattr(manager_views, "ENROLLED_PER_PAGE", 4)

    first = section(signed_in.get(url(started)).content.decode(), "enrolled")
    second = section(signed_in.get(url(started) + "?enrolled=2").content.decode(), "enrolled")

    assert first.count('class="enrolment"') == 4
    assert second.count('class="enrolment"') == 2
    assert "Page 1 of 2" in first
    assert 'href="?enrolled=2#enrolled"' in first


def test_an_enrolment_of_another_cohort_is_a_404(signed_in, started):
    other = enrol(CohortFactory(), 1, teams=("Other",))[0]

    response = signed_in.get(url(started, f"enrollments/{other.pk}/withdraw/"))

    assert response.status_code == 404


# --- Move a session ------------------------------------------------------------------------


def test_moving_a_workshop_reads_the_time_in_the_cohorts_zone_and_keeps_its_length(
    signed_in, started
):
    workshop = started.schedule_items.get(title="Active listening")

    response = signed_in.post(
        url(started, f"schedule/{workshop.pk}/move/"),
        {"starts_at": "2026-11-12T14:30", "location": "Room 9", "video_link": ""},
    )

    workshop.refresh_from_db()
    assert response.url.endswith("#timeline")
    # 14:30 in New York (EST, UTC-5) is 19:30 UTC.
    assert workshop.starts_at == datetime.datetime(2026, 11, 12, 19, 30, tzinfo=datetime.UTC)
    assert workshop.ends_at - workshop.starts_at == datetime.timedelta(minutes=60)
    assert workshop.location == "Room 9"
    assert workshop.moved
    page = signed_in.get(response.url).content.decode()
    assert "moved to Thu 12 Nov 2026, 14:30" in section(page, "timeline")


def test_the_move_page_shows_the_current_local_start_in_the_picker(signed_in, started):
    workshop = started.schedule_items.get(title="Active listening")

    page = signed_in.get(url(started, f"schedule/{workshop.pk}/move/")).content.decode()

    assert 'type="datetime-local"' in page
    assert 'value="2026-11-04T10:00"' in page


@pytest.fixture
def london(program, facilitator):
    """A London cohort whose first workshop (day 3) is on 21 October 2026, in summer time;
    the clocks go back on Sunday 25 October."""
    cohort = CohortFactory(
        program=program,
        start_date=datetime.date(2026, 10, 19),
        time_zone="Europe/London",
        facilitators=[facilitator],
    )
    enrol(cohort, 2)
    services.cohort_start(cohort=cohort, now=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC))
    return cohort


def test_moving_a_session_across_the_end_of_summer_time_keeps_the_local_time(signed_in, london):
    workshop = london.schedule_items.get(title="Empathy basics")
    assert workshop.starts_at == datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC)  # BST

    signed_in.post(
        url(london, f"schedule/{workshop.pk}/move/"),
        {"starts_at": "2026-10-28T10:00", "location": "", "video_link": ""},
    )

    workshop.refresh_from_db()
    assert workshop.starts_at == datetime.datetime(2026, 10, 28, 10, tzinfo=datetime.UTC)  # GMT
    assert workshop.ends_at == datetime.datetime(2026, 10, 28, 11, tzinfo=datetime.UTC)


def test_a_local_time_that_happens_twice_is_a_field_error_not_a_guess(signed_in, london):
    workshop = london.schedule_items.get(title="Empathy basics")

    # 01:30 on 25 October 2026 happens twice in London: once in BST, once in GMT.
    response = signed_in.post(
        url(london, f"schedule/{workshop.pk}/move/"), {"starts_at": "2026-10-25T01:30"}
    )

    assert "may be ambiguous or it may not exist" in response.content.decode()
    workshop.refresh_from_db()
    assert not workshop.moved


def test_a_move_too_far_away_is_a_field_error(signed_in, started):
    workshop = started.schedule_items.get(title="Active listening")

    response = signed_in.post(
        url(started, f"schedule/{workshop.pk}/move/"), {"starts_at": "2031-01-01T10:00"}
    )

    page = response.content.decode()
    assert "within a year of the cohort" in page
    assert re.search(r'<input[^>]*name="starts_at"[^>]*aria-invalid="true"', page)


def test_a_module_window_cannot_be_moved_on_the_page(signed_in, started):
    module = started.schedule_items.get(title="Reflective listening")

    page = signed_in.get(url(started, f"schedule/{module.pk}/move/")).content.decode()
    response = signed_in.post(
        url(started, f"schedule/{module.pk}/move/"), {"starts_at": "2026-11-12T10:00"}
    )

    assert "move the cohort's start date instead" in page
    assert "Module windows follow the program" in response.content.decode()
    module.refresh_from_db()
    assert not module.moved


def test_the_timeline_links_workshops_and_coaching_weeks_to_their_move_page(signed_in, started):
    workshop = started.schedule_items.get(title="Active listening")
    module = started.schedule_items.get(title="Reflective listening")

    timeline = section(signed_in.get(url(started)).content.decode(), "timeline")

    assert f'href="{url(started, f"schedule/{workshop.pk}/move/")}"' in timeline
    assert f'href="{url(started, f"schedule/{module.pk}/move/")}"' not in timeline


def admin_change(client, item, **changes):
    """Post the admin's change form of `item` with its current values and `changes`."""
    values = {
        "title": item.title,
        "starts_at_0": f"{item.starts_at:%Y-%m-%d}",
        "starts_at_1": f"{item.starts_at:%H:%M:%S}",
        "ends_at_0": f"{item.ends_at:%Y-%m-%d}",
        "ends_at_1": f"{item.ends_at:%H:%M:%S}",
        "due_at_0": f"{item.due_at:%Y-%m-%d}",
        "due_at_1": f"{item.due_at:%H:%M:%S}",
        "location": item.location,
        "video_link": item.video_link,
        "attendance-TOTAL_FORMS": "0",
        "attendance-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(f"/admin/cohorts/scheduleitem/{item.pk}/change/", values)


def test_changing_only_the_start_in_the_admin_moves_the_item_keeping_its_length(client, london):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    workshop = london.schedule_items.get(title="Empathy basics")

    # A week later, after the clocks went back (the admin's times are UTC).
    response = admin_change(client, workshop, starts_at_0="2026-10-28", starts_at_1="10:00:00")

    assert response.status_code == 302, response.content.decode()
    workshop.refresh_from_db()
    assert workshop.starts_at == datetime.datetime(2026, 10, 28, 10, tzinfo=datetime.UTC)
    assert workshop.ends_at == datetime.datetime(2026, 10, 28, 11, tzinfo=datetime.UTC)
    assert workshop.due_at == workshop.ends_at
    assert workshop.moved


def test_moving_a_module_window_in_the_admin_is_a_form_error_not_a_crash(client, london):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    module = london.schedule_items.get(title="Reflective listening")

    response = admin_change(client, module, starts_at_0="2026-10-28")

    assert response.status_code == 200
    assert "Module windows follow the program" in response.content.decode()


# --- Live practice -------------------------------------------------------------------------


def test_ticked_agents_are_recorded_as_having_practised(signed_in, started, facilitator):
    module = started.schedule_items.get(title="Reflective listening")
    ticked, *others = started.enrollments.order_by("pk")

    response = signed_in.post(
        url(started, "practice/"), {"module": module.pk, "attended": [ticked.pk]}
    )
    page = signed_in.get(response.url).content.decode()

    progress = ModuleProgress.objects.filter(item=module)
    assert progress.get(enrollment=ticked).practice_attended_at == DAY_15
    assert progress.get(enrollment=ticked).practice_recorded_by == facilitator
    assert progress.filter(practice_attended_at__isnull=True).count() == len(others)
    assert response.url.endswith(f"?module={module.pk}#practice")
    practice = section(page, "practice")
    assert "1 of 6 practised" in practice
    assert f'id="practised-{ticked.pk}" name="attended" value="{ticked.pk}" checked' in practice


def test_everyone_present_records_every_active_agent(signed_in, started):
    module = started.schedule_items.get(title="Tone matching")

    signed_in.post(url(started, "practice/"), {"module": module.pk, "everyone": "1"})

    assert ModuleProgress.objects.filter(item=module, practice_attended_at=DAY_15).count() == 6


def test_live_practice_is_not_offered_for_a_week_that_has_not_started(signed_in, started):
    future = started.schedule_items.get(title="Practice week 1")

    page = signed_in.get(url(started)).content.decode()
    response = signed_in.post(url(started, "practice/"), {"module": future.pk, "everyone": "1"})

    assert "Practice week 1" not in section(page, "practice")
    assert not ModuleProgress.objects.filter(item=future).exists()
    page = signed_in.get(response.url).content.decode()
    assert "whose week has started" in section(page, "practice")


# --- Regenerate pairs, re-lay the schedule -------------------------------------------------


def test_regenerating_pairs_asks_first_and_changes_nothing_until_confirmed(signed_in, started):
    pairs = set(CoachingPair.objects.values_list("pk", flat=True))

    page = signed_in.get(url(started, "pairs/regenerate/")).content.decode()

    assert "5 weeks that have not started are drawn again from the 6 active agents" in page
    assert "What will not change" in page
    assert set(CoachingPair.objects.values_list("pk", flat=True)) == pairs


def test_confirming_draws_future_pairs_again_and_says_so_in_the_section(signed_in, started):
    pairs = set(CoachingPair.objects.values_list("pk", flat=True))

    response = signed_in.post(url(started, "pairs/regenerate/"))
    page = signed_in.get(response.url).content.decode()

    assert response.url.endswith("#pairs")
    assert not pairs & set(CoachingPair.objects.values_list("pk", flat=True))
    assert "drawn again for 5 future week(s)" in section(page, "pairs")
    assert "drawn again" not in top_messages(page)


@pytest.fixture
def new_workshop(started):
    """A workshop added to the program after the cohort started, on day 20 (still ahead)."""
    foundation = Phase.objects.get(program=started.program, order=1)
    return WorkshopFactory(phase=foundation, title="Handling silence", day=20, minutes=45)


def test_re_laying_the_schedule_shows_what_would_change_and_writes_nothing(
    signed_in, started, new_workshop
):
    items = ScheduleItem.objects.count()

    page = signed_in.get(url(started, "schedule/resync/")).content.decode()

    preview = re.search(r'<ul id="resync-preview">.*?</ul>', page, re.S).group(0)
    assert "1 new item " in preview
    assert "0 items cancelled" in preview
    assert "Items that have started are history" in page
    assert ScheduleItem.objects.count() == items


def test_confirming_re_lays_the_schedule(signed_in, started, new_workshop):
    response = signed_in.post(url(started, "schedule/resync/"))
    page = signed_in.get(response.url).content.decode()

    assert started.schedule_items.filter(workshop=new_workshop).exists()
    assert response.url.endswith("#timeline")
    assert "1 new, 0 updated, 0 cancelled" in section(page, "timeline")


def test_a_planned_cohort_is_not_re_laid(signed_in, cohort):
    page = signed_in.get(url(cohort, "schedule/resync/")).content.decode()
    signed_in.post(url(cohort, "schedule/resync/"))

    assert "only a started cohort's schedule is re-laid" in page
    assert not cohort.schedule_items.exists()


# --- Defects -------------------------------------------------------------------------------


def test_the_service_refuses_attendance_for_a_workshop_that_has_not_started(started, facilitator):
    workshop = started.schedule_items.get(title="Active listening")  # day 10: 4 November

    with pytest.raises(services.ValidationError) as error:
        services.attendance_record(
            item=workshop, attended={e.pk: True for e in started.enrollments.all()},
            by=facilitator, now=DAY_5,
        )  # fmt: skip

    assert "has not started yet" in str(error.value)
    assert not Attendance.objects.exists()


def test_the_page_offers_and_accepts_only_workshops_that_have_started(signed_in, started):
    future = started.schedule_items.get(title="Active listening")
    with time_machine.travel(DAY_5, tick=False):
        page = signed_in.get(url(started)).content.decode()
        response = signed_in.post(
            url(started, "attendance/"), {"workshop": future.pk, "everyone": "1"}
        )
        after = signed_in.get(response.url).content.decode()

    attendance = section(page, "attendance")
    assert "Empathy basics" in attendance
    assert "Active listening" not in attendance
    assert not Attendance.objects.filter(item=future).exists()
    assert "that has started" in section(after, "attendance")


def test_recorded_so_far_lists_only_workshops_with_attendance(signed_in, started, facilitator):
    recorded = started.schedule_items.get(title="Empathy basics")
    services.attendance_record(
        item=recorded, attended={e.pk: True for e in started.enrollments.all()}, by=facilitator
    )

    attendance = section(signed_in.get(url(started)).content.decode(), "attendance")

    so_far = re.search(r"Recorded so far for:(.*?)</p>", attendance, re.S).group(1)
    assert "Empathy basics" in so_far
    assert "Active listening" not in so_far


def test_a_started_cohort_is_scheduled_until_day_1_then_running(signed_in, started):
    with time_machine.travel(BEFORE_START, tick=False):
        listed = signed_in.get("/cohorts/").content.decode()
        detail = signed_in.get(url(started)).content.decode()
    services.cohort_status_sweep()  # DAY_15: day 1 has come
    started.refresh_from_db()
    running = signed_in.get(url(started)).content.decode()

    assert "Scheduled" in listed
    assert "Running" not in listed
    assert "Scheduled" in detail
    assert started.status == Cohort.Status.RUNNING  # stored by the sweep
    assert "Running" in running
    assert "Scheduled" not in running


def test_day_1_is_counted_in_the_cohorts_time_zone(started):
    # 03:00 UTC on 26 October is still 25 October in New York.
    services.cohort_status_sweep(now=datetime.datetime(2026, 10, 26, 3, tzinfo=datetime.UTC))
    started.refresh_from_db()
    assert started.status == Cohort.Status.SCHEDULED
    services.cohort_status_sweep(now=datetime.datetime(2026, 10, 26, 5, tzinfo=datetime.UTC))
    started.refresh_from_db()
    assert started.status == Cohort.Status.RUNNING


def test_saved_attendance_is_reported_in_its_section(signed_in, started):
    workshop = started.schedule_items.get(title="Empathy basics")

    response = signed_in.post(
        url(started, "attendance/"), {"workshop": workshop.pk, "everyone": "1"}
    )
    page = signed_in.get(response.url).content.decode()

    assert response.url.endswith("#attendance")
    assert "6 of 6 attended" in section(page, "attendance")
    assert "6 of 6 attended" not in top_messages(page)


def test_a_revoked_certification_is_reported_in_its_section(signed_in, started):
    decision = decision_for(started.enrollments.first())

    response = signed_in.post(url(started, f"decisions/{decision.pk}/revoke/"), {"reason": "Audit"})
    page = signed_in.get(response.url).content.decode()

    assert response.url.endswith("#certification")
    assert "is revoked" in section(page, "certification")
    assert "is revoked" not in top_messages(page)


# --- Who may -------------------------------------------------------------------------------

COHORT_URLS = [
    ("get", "pairs/regenerate/"),
    ("post", "pairs/regenerate/"),
    ("get", "schedule/resync/"),
    ("post", "schedule/resync/"),
    ("get", "schedule/{item}/move/"),
    ("post", "schedule/{item}/move/"),
    ("post", "practice/"),
    ("post", "attendance/"),
    ("get", "enrollments/{enrollment}/withdraw/"),
    ("post", "enrollments/{enrollment}/withdraw/"),
    ("post", "enrollments/{enrollment}/reactivate/"),
]


def _cohort_url(cohort, path):
    item = cohort.schedule_items.get(title="Active listening")
    return url(cohort, path.format(item=item.pk, enrollment=cohort.enrollments.first().pk))


@pytest.mark.parametrize(("method", "path"), COHORT_URLS)
def test_a_manager_of_another_cohort_gets_404(client, started, method, path):
    client.force_login(ManagerFactory())

    response = getattr(client, method)(_cohort_url(started, path), {"reason": "x"})

    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path"), [*COHORT_URLS, ("get", "/cohorts/new/")])
def test_an_agent_gets_403(client, started, method, path):
    agent = started.enrollments.first().agent
    client.force_login(agent)
    target = path if path.startswith("/") else _cohort_url(started, path)

    response = getattr(client, method)(target, {"reason": "x"})

    assert response.status_code == 403


def test_nothing_changed_for_the_forbidden(client, started):
    client.force_login(ManagerFactory())
    enrollment = started.enrollments.first()

    client.post(url(started, f"enrollments/{enrollment.pk}/withdraw/"), {"reason": "x"})

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
