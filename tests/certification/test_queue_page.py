"""A cohort's certification queue page: who may book the role-play (the gate's other
criteria met, the booking rules allowing it), the role-plays booked and assessed, and the
decisions made after a pass. Managers see their cohorts in full, an assessor the role-plays
assigned to them; other cohorts are 404, agents and HR 403."""

import datetime

import pytest
from django.urls import reverse

from certification import services
from certification.models import CertificationDecision
from tests.certification.conftest import NOW, score
from tests.factories import AgentFactory, CoachFactory, EnrollmentFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def _queue(client, cohort):
    return client.get(reverse("web:cohort-certification", args=[cohort.pk]))


def _ready(enrollment, value=80):
    for days in range(3):
        score(enrollment, value, when=NOW - datetime.timedelta(days=days + 1))
    return enrollment


def _section(html: str, section: str) -> str:
    start = html.index(f'id="{section}"')
    return html[start : html.index("</section>", start)]


def test_an_agent_meeting_the_other_criteria_can_be_booked_from_the_queue(
    client, facilitator, cohort
):
    ready = _ready(EnrollmentFactory(cohort=cohort, agent__display_name="Rita Ready"))
    short = EnrollmentFactory(cohort=cohort, agent__display_name="Sam Short")
    score(short, 90)
    client.force_login(facilitator)

    html = _section(_queue(client, cohort).content.decode(), "ready")

    book = reverse("web:role-play-book", args=[cohort.pk]) + f"?enrollment={ready.pk}"
    assert "Rita Ready" in html
    assert f'href="{book}"' in html
    assert "Sam Short: 1 of 3 assessed interactions so far (needs 70% over the last 3)<" in html


def test_the_booking_page_preselects_the_agent_from_the_queue(client, facilitator, cohort):
    ready = _ready(EnrollmentFactory(cohort=cohort))
    client.force_login(facilitator)

    response = client.get(reverse("web:role-play-book", args=[cohort.pk]), {"enrollment": ready.pk})

    assert f'<option value="{ready.pk}" selected>' in response.content.decode()


def test_a_booked_role_play_shows_its_assessor_and_time_in_the_cohorts_zone(
    client, facilitator, cohort, assessor, scenario
):
    cohort.time_zone = "Europe/Berlin"
    cohort.save()
    enrollment = _ready(EnrollmentFactory(cohort=cohort))
    services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor,
        scheduled_at=datetime.datetime(2027, 3, 3, 9, tzinfo=datetime.UTC),
    )  # fmt: skip
    client.force_login(facilitator)

    html = _queue(client, cohort).content.decode()

    booked = _section(html, "booked")
    assert str(assessor) in booked
    assert "Wed 3 Mar 2027, 10:00" in booked
    assert "waiting for the assessor" in booked
    assert str(enrollment.agent) not in _section(html, "ready")


def test_the_assessor_gets_the_link_to_record_the_result(client, cohort, assessor, scenario):
    enrollment = _ready(EnrollmentFactory(cohort=cohort))
    play = services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)
    client.force_login(assessor)

    html = _queue(client, cohort).content.decode()

    assert f'<a href="{reverse("web:role-play", args=[play.pk])}">Record the result' in html
    assert 'id="ready"' not in html  # an assessor sees their role-plays, not the cohort
    assert 'id="decisions"' not in html


def test_an_assessor_sees_only_the_role_plays_assigned_to_them(client, cohort, assessor, scenario):
    mine = _ready(EnrollmentFactory(cohort=cohort, agent__display_name="Mine Agent"))
    theirs = _ready(EnrollmentFactory(cohort=cohort, agent__display_name="Theirs Agent"))
    services.role_play_book(enrollment=mine, scenario=scenario, assessor=assessor)
    services.role_play_book(enrollment=theirs, scenario=scenario, assessor=CoachFactory())
    client.force_login(assessor)

    html = _queue(client, cohort).content.decode()

    assert "Mine Agent" in html
    assert "Theirs Agent" not in html


def test_after_a_pass_the_decision_is_on_the_queue(
    client, facilitator, cohort, assessor, scenario, django_capture_on_commit_callbacks
):
    enrollment = _ready(EnrollmentFactory(cohort=cohort))
    play = services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)
    client.force_login(assessor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("web:role-play", args=[play.pk]), {"score_overall": "85", "passed": "yes"}
        )
    assert CertificationDecision.objects.filter(enrollment=enrollment).exists()
    client.force_login(facilitator)

    html = _queue(client, cohort).content.decode()

    assert "Passed</span> 85%" in _section(html, "assessed")
    decisions = _section(html, "decisions")
    assert str(enrollment.agent) in decisions
    assert "Certified" in decisions
    assert str(enrollment.agent) not in _section(html, "ready")


def test_after_a_fail_the_agent_waits_for_the_cooldown(
    client, facilitator, cohort, assessor, scenario
):
    enrollment = _ready(EnrollmentFactory(cohort=cohort, agent__display_name="Fay Failed"))
    play = services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)
    services.role_play_assess(assessment=play, by=assessor, values={"overall": 70}, passed=False)
    client.force_login(facilitator)

    html = _queue(client, cohort).content.decode()

    assert "Not passed</span> 70%" in _section(html, "assessed")
    assert "Fay Failed: The next attempt is possible from 2027-03-08" in _section(html, "ready")
    assert "?enrollment=" not in html


def test_another_managers_cohort_is_404(client, cohort):
    client.force_login(ManagerFactory())

    assert _queue(client, cohort).status_code == 404


def test_a_coach_without_role_plays_in_the_cohort_gets_404(client, cohort):
    client.force_login(CoachFactory())

    assert _queue(client, cohort).status_code == 404


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_agents_and_hr_are_forbidden(client, cohort, factory):
    client.force_login(factory())

    assert _queue(client, cohort).status_code == 403


def test_an_enrolled_agent_is_forbidden_too(client, cohort):
    enrollment = _ready(EnrollmentFactory(cohort=cohort))
    client.force_login(enrollment.agent)

    assert _queue(client, cohort).status_code == 403


def test_the_role_play_page_shows_the_time_in_the_cohorts_zone_and_links_the_queue(
    client, cohort, assessor, scenario
):
    cohort.time_zone = "America/New_York"
    cohort.save()
    enrollment = EnrollmentFactory(cohort=cohort)
    play = services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor,
        scheduled_at=datetime.datetime(2027, 3, 3, 15, tzinfo=datetime.UTC),
    )  # fmt: skip
    client.force_login(assessor)

    html = client.get(reverse("web:role-play", args=[play.pk])).content.decode()

    assert "3 Mar 2027, 10:00 (America/New_York)" in html
    assert reverse("web:cohort-certification", args=[cohort.pk]) in html


def test_a_manager_assessing_in_another_managers_cohort_sees_only_their_role_plays(
    client, cohort, scenario
):
    assessor = ManagerFactory(display_name="Max Assessor")
    mine = _ready(EnrollmentFactory(cohort=cohort, agent__display_name="Mine Agent"))
    _ready(EnrollmentFactory(cohort=cohort, agent__display_name="Ready Agent"))
    services.role_play_book(enrollment=mine, scenario=scenario, assessor=assessor)
    client.force_login(assessor)

    html = _queue(client, cohort).content.decode()

    assert "Record the result" in html
    assert "Ready Agent" not in html
    assert 'id="decisions"' not in html
