import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from certification.models import CertificationDecision, RolePlayAssessment
from cohorts.models import Attendance, CoachingPair, Cohort, Enrollment
from insights.models import CalibrationSession
from tests.cohorts.conftest import enrol
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    ManagerFactory,
    ScenarioCardFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

# Day 15 of the New York cohort: both workshops (days 3 and 10) are over, coaching
# (from day 31) has not begun.
DAY_15 = datetime.datetime(2026, 11, 9, 15, tzinfo=datetime.UTC)

SECTIONS = (
    "When the cohort ends",
    "Timeline",
    "This week's coaching pairs",
    "Workshop attendance",
    "Live practice",
    "Who is enrolled",
    "Who is behind and why",
    "Enrol from CSV",
    "Invitations not yet accepted",
    "Calibration sessions",
    "Certification queue",
)


@pytest.fixture(autouse=True)
def day_15():
    with time_machine.travel(DAY_15, tick=False):
        yield


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def page_of(cohort):
    return f"/cohorts/{cohort.pk}/"


def csv_file(*lines):
    content = "".join(f"{line}\r\n" for line in ("email,name,team", *lines))
    return SimpleUploadedFile("agents.csv", content.encode(), content_type="text/csv")


def decision_for(enrollment):
    return CertificationDecision.objects.create(
        enrollment=enrollment,
        agent=enrollment.agent,
        program=enrollment.program,
        evidence={},
        evidence_hash="abc",
        decided_at=DAY_15 - datetime.timedelta(days=1),
    )


def test_the_list_shows_the_facilitators_cohorts_and_not_others(signed_in, cohort):
    enrol(cohort, 2)
    CohortFactory(name="Someone else's", facilitators=[ManagerFactory()])

    page = signed_in.get("/cohorts/").content.decode()

    assert f'href="{page_of(cohort)}"' in page
    assert "Someone else" not in page
    assert "<td>2</td>" in page  # active agents


def test_the_list_takes_four_queries_however_many_cohorts(
    signed_in, facilitator, django_assert_num_queries
):
    for _ in range(3):
        enrol(CohortFactory(facilitators=[facilitator]), 2)

    # The session, the user, the cohorts with their program and active agents counted,
    # and the menu's count of unread notifications.
    with django_assert_num_queries(4):
        assert signed_in.get("/cohorts/").status_code == 200


def test_an_agent_gets_403_on_the_cohort_list(client):
    client.force_login(AgentFactory())

    assert client.get("/cohorts/").status_code == 403


def test_strangers_are_asked_to_sign_in(client):
    assert client.get("/cohorts/").url.startswith("/accounts/login/")


def test_another_manager_gets_404_on_a_cohort_page(client, cohort):
    client.force_login(ManagerFactory())

    assert client.get(page_of(cohort)).status_code == 404
    assert client.post(f"{page_of(cohort)}start/").status_code == 404


def test_the_cohort_page_has_every_section(signed_in, started):
    page = signed_in.get(page_of(started)).content.decode()

    for heading in SECTIONS:
        assert f">{heading}</h2>" in page
    assert page.count('<section class="card"') == len(SECTIONS)


def test_the_timeline_shows_local_times_across_the_dst_change(signed_in, started):
    page = signed_in.get(page_of(started)).content.decode()

    # Both workshops are at 10:00 in New York, before and after DST ends on 1 November.
    assert "Wed 28 Oct, 10:00" in page
    assert "Wed 4 Nov, 10:00" in page
    assert "Week 2 · 2 Nov \N{EN DASH} 8 Nov" in page


def test_marking_everyone_present_records_attendance(signed_in, started):
    workshop = started.schedule_items.get(title="Empathy basics")

    response = signed_in.post(
        f"{page_of(started)}attendance/", {"workshop": workshop.pk, "everyone": "1"}, follow=True
    )

    assert Attendance.objects.filter(item=workshop, attended=True).count() == 6
    assert "6 of 6 attended" in response.content.decode()


def test_unticked_agents_are_recorded_absent(signed_in, started):
    workshop = started.schedule_items.get(title="Empathy basics")
    present = started.enrollments.order_by("pk").first()

    signed_in.post(
        f"{page_of(started)}attendance/", {"workshop": workshop.pk, "attended": [present.pk]}
    )

    assert set(Attendance.objects.filter(item=workshop, attended=True)) == {
        Attendance.objects.get(enrollment=present, item=workshop)
    }
    assert Attendance.objects.filter(item=workshop, attended=False).count() == 5


def test_attendance_for_a_workshop_of_another_cohort_is_refused(signed_in, started):
    response = signed_in.post(f"{page_of(started)}attendance/", {"workshop": "999999"}, follow=True)

    assert "Choose a workshop of this cohort that has started." in response.content.decode()
    assert not Attendance.objects.exists()


def test_who_is_behind_lists_overdue_items_with_a_progress_bar(signed_in, started):
    page = signed_in.get(page_of(started)).content.decode()

    assert "<li>Empathy basics</li>" in page
    assert 'role="progressbar" aria-valuenow="0.0"' in page


def test_the_csv_preview_lists_rows_and_writes_nothing(signed_in, started):
    TeamFactory(name="Billing")
    users = User.objects.count()

    response = signed_in.post(
        f"{page_of(started)}enrol/",
        {"action": "preview", "file": csv_file("new.agent@example.com,New Agent,Billing")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-plan"' in page
    assert "new.agent@example.com" in page
    assert User.objects.count() == users
    assert started.enrollments.count() == 6


def test_a_csv_with_one_bad_row_shows_that_line_and_writes_nothing(signed_in, started):
    TeamFactory(name="Billing")

    response = signed_in.post(
        f"{page_of(started)}enrol/",
        {
            "action": "import",
            "file": csv_file("new.agent@example.com,New Agent,Billing", "not-an-email,Bad,Billing"),
        },
    )

    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert '<tr class="import-error"><td>3</td><td>email</td>' in page
    assert page.count('class="import-error"') == 1
    assert not User.objects.filter(email="new.agent@example.com").exists()
    assert started.enrollments.count() == 6


def test_a_good_csv_enrols(signed_in, started):
    TeamFactory(name="Billing")

    response = signed_in.post(
        f"{page_of(started)}enrol/",
        {"action": "import", "file": csv_file("new.agent@example.com,New Agent,Billing")},
    )

    assert "1 agent(s) enrolled from the file." in response.content.decode()
    assert started.enrollments.filter(agent__email="new.agent@example.com").exists()


def test_an_import_without_a_file_says_so(signed_in, started):
    response = signed_in.post(f"{page_of(started)}enrol/", {"action": "import"})

    assert "Choose a CSV file." in response.content.decode()


def test_revoking_without_a_reason_shows_the_error_and_keeps_the_decision(signed_in, started):
    decision = decision_for(started.enrollments.first())

    response = signed_in.post(
        f"{page_of(started)}decisions/{decision.pk}/revoke/", {"reason": "  "}
    )

    assert response.status_code == 200
    assert "Say why the certification is revoked." in response.content.decode()
    decision.refresh_from_db()
    assert decision.revoked_at is None


def test_revoking_with_a_reason_revokes(signed_in, started, facilitator):
    decision = decision_for(started.enrollments.first())

    response = signed_in.post(
        f"{page_of(started)}decisions/{decision.pk}/revoke/", {"reason": "Copied answers"}
    )

    decision.refresh_from_db()
    assert response.status_code == 302
    assert (decision.revoked_by, decision.revocation_reason) == (facilitator, "Copied answers")


def test_regenerating_pairs_redirects_with_a_message(signed_in, started):
    CoachingPair.objects.filter(cohort=started).delete()

    response = signed_in.post(f"{page_of(started)}pairs/regenerate/")

    assert response.status_code == 302
    assert response.url == f"{page_of(started)}#pairs"
    page = signed_in.get(response.url).content.decode()
    assert "Coaching pairs drawn again for 5 future week(s)." in page
    assert CoachingPair.objects.filter(cohort=started, week=1).count() == 3


def test_start_works_for_a_planned_cohort(signed_in, cohort):
    enrol(cohort, 2)

    response = signed_in.post(f"{page_of(cohort)}start/", follow=True)

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.RUNNING
    assert "has started" in response.content.decode()


def test_starting_a_running_cohort_is_an_error_not_a_crash(signed_in, started):
    response = signed_in.post(f"{page_of(started)}start/", follow=True)

    assert response.status_code == 200
    assert "The cohort is Scheduled." in response.content.decode()


def test_the_queue_lists_booked_role_plays_and_calibrations_link_to_their_sessions(
    signed_in, started, facilitator
):
    enrollment = started.enrollments.first()
    RolePlayAssessment.objects.create(
        enrollment=enrollment,
        scenario=ScenarioCardFactory(program=started.program, title="Double charge"),
        assessor=CoachFactory(display_name="Cora Coach"),
    )
    session = CalibrationSession.objects.create(
        name="November calibration", rubric=started.program.rubric, created_by=facilitator
    )

    page = signed_in.get(page_of(started)).content.decode()

    assert "<td>Double charge</td><td>Cora Coach</td>" in page
    assert f'href="/calibration/{session.pk}/"' in page
    assert 'href="/calibration/new/"' in page
    assert f'href="/cohorts/{started.pk}/certification/"' in page


def test_the_page_makes_as_many_queries_for_more_agents(signed_in, started):
    # Everything is loaded per cohort, never per agent: a bigger room costs no queries.
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(page_of(started)).status_code == 200
        return len(captured)

    before = queries()
    enrol(started, 4, teams=("Chat",))
    assert started.enrollments.filter(status=Enrollment.Status.ACTIVE).count() == 10

    assert queries() == before
