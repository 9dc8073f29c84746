"""The hiring pages: forbidden paths, blind scoring, the comparison and its CSV, hiring and
deleting, and an agent's starting point."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from hiring import selectors, services
from hiring.models import Candidate
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    RubricCriterionFactory,
    RubricFactory,
)
from tests.hiring.conftest import every

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(interview) -> list[str]:
    candidate = interview.candidate
    opening = candidate.opening
    return [
        f"/hiring/openings/{opening.pk}/",
        f"/hiring/openings/{opening.pk}/comparison/",
        f"/hiring/openings/{opening.pk}/comparison.csv",
        f"/hiring/candidates/{candidate.pk}/",
        f"/hiring/interviews/{interview.pk}/",
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("other manager", 404), ("coach not interviewing", 404), ("agent", 403), ("hr", 403)],
)
def test_outsiders_get_404_or_403_on_every_hiring_page(who, expected, interview, outsiders):
    client = _client(outsiders[who])
    for url in _pages(interview):
        assert client.get(url).status_code == expected, url
    candidate = interview.candidate
    assert client.post(f"/hiring/candidates/{candidate.pk}/delete/").status_code == expected
    assert client.post(f"/hiring/candidates/{candidate.pk}/hire/").status_code == expected
    assert Candidate.objects.filter(pk=candidate.pk, stage="interviewing").exists()


@pytest.mark.parametrize("who", ["agent", "hr"])
def test_agents_and_hr_have_no_hiring_list(who, outsiders):
    assert _client(outsiders[who]).get("/hiring/").status_code == 403


def test_an_interviewer_sees_the_opening_but_not_the_comparison_or_delete(interview, coach):
    client = _client(coach)
    assert client.get(f"/hiring/openings/{interview.candidate.opening.pk}/").status_code == 200
    pk = interview.candidate.opening.pk
    assert client.get(f"/hiring/openings/{pk}/comparison/").status_code == 403
    assert client.post(f"/hiring/candidates/{interview.candidate.pk}/delete/").status_code == 403


def test_the_interview_page_hides_other_scores_until_mine_is_sent(
    interview, coach, second_interviewer
):
    services.interview_score_submit(
        interview=interview, interviewer=coach, values=every(5), notes="Very calm under fire."
    )
    client = _client(second_interviewer)
    page = client.get(f"/hiring/interviews/{interview.pk}/").content.decode()
    assert "Very calm under fire." not in page
    assert "1 hidden" in page

    form = {f"score_{key}": "2" for key in every(2)} | {"notes": "Rushed."}
    response = client.post(f"/hiring/interviews/{interview.pk}/", form)
    assert response.status_code == 302
    page = client.get(f"/hiring/interviews/{interview.pk}/").content.decode()
    assert "Very calm under fire." in page
    assert "Rushed." in page


def test_a_manager_hires_on_the_page_and_the_agent_sees_the_starting_point(
    interview, coach, manager
):
    services.interview_score_submit(interview=interview, interviewer=coach, values=every(4))
    candidate = interview.candidate
    response = _client(manager).post(f"/hiring/candidates/{candidate.pk}/hire/", {})
    assert response.status_code == 302
    agent = User.objects.get(email="cara@mail.test")
    page = _client(agent).get("/hiring/starting-point/").content.decode()
    assert "Billing agents, spring" in page
    assert "4.00" in page
    manager_page = _client(manager).get(f"/hiring/candidates/{candidate.pk}/").content.decode()
    assert "Starting point" in manager_page


def test_the_hire_form_sets_the_agents_time_zone_and_names_a_wrong_one(candidate, manager):
    url = f"/hiring/candidates/{candidate.pk}/hire/"
    page = _client(manager).get(f"/hiring/candidates/{candidate.pk}/").content.decode()
    assert 'list="time-zones"' in page
    assert '<option value="Europe/Lisbon">' in page

    refused = _client(manager).post(url, {"hire-time_zone": "Mars/Olympus"}, follow=True)
    hired = _client(manager).post(url, {"hire-time_zone": "Europe/Lisbon"})

    assert "Mars/Olympus" in refused.content.decode()
    assert hired.status_code == 302
    assert User.objects.get(email="cara@mail.test").time_zone == "Europe/Lisbon"


def test_only_an_agent_hired_through_attune_has_a_starting_point_on_the_plan(
    candidate, manager, client
):
    other = AgentFactory()
    client.force_login(other)
    assert "Your starting point" not in client.get("/plan/").content.decode()
    assert "starting-point" not in client.get("/practice/").content.decode()  # not in the menu

    agent = services.candidate_hire(candidate=candidate, by=manager)
    client.force_login(agent)

    plan = client.get("/plan/").content.decode()
    assert "Your starting point" in plan
    assert "Billing agents, spring" in plan


def test_a_manager_deletes_a_candidate_on_the_page(interview, manager):
    candidate = interview.candidate
    response = _client(manager).post(f"/hiring/candidates/{candidate.pk}/delete/")
    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=candidate.pk).exists()


def test_the_comparison_csv_downloads(interview, coach, manager):
    services.interview_score_submit(interview=interview, interviewer=coach, values=every(3))
    response = _client(manager).get(
        f"/hiring/openings/{interview.candidate.opening.pk}/comparison.csv"
    )
    assert response["Content-Type"] == "text/csv"
    assert "Cara Candidate" in response.content.decode()


def test_a_candidate_name_that_looks_like_a_formula_is_defused_in_the_csv(opening, manager):
    services.candidate_add(opening=opening, name="=HYPERLINK(1)", email="f@mail.test")
    body = _client(manager).get(f"/hiring/openings/{opening.pk}/comparison.csv").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_the_agents_manager_reads_the_starting_point_and_other_managers_do_not(
    candidate, manager, outsiders
):
    agent = services.candidate_hire(candidate=candidate, by=manager)
    url = f"/hiring/starting-point/{agent.pk}/"
    assert "Starting point: Cara Candidate" in _client(manager).get(url).content.decode()
    assert _client(outsiders["other manager"]).get(url).status_code == 404
    assert _client(outsiders["coach not interviewing"]).get(url).status_code == 403


def test_the_cohort_page_links_the_starting_point_of_a_hired_agent_only(candidate, manager):
    agent = services.candidate_hire(candidate=candidate, by=manager)
    facilitator = ManagerFactory()  # not the hiring manager: the agent is theirs by the cohort
    cohort = CohortFactory(facilitators=[facilitator])
    EnrollmentFactory(cohort=cohort, agent=agent)
    other = EnrollmentFactory(cohort=cohort)
    client = _client(facilitator)

    page = client.get(f"/cohorts/{cohort.pk}/").content.decode()

    assert page.count('href="/hiring/starting-point/') == 1
    assert f'href="/hiring/starting-point/{agent.pk}/"' in page
    assert f"/hiring/starting-point/{other.agent_id}/" not in page
    starting = client.get(f"/hiring/starting-point/{agent.pk}/")
    assert "Starting point: Cara Candidate" in starting.content.decode()


def test_only_managers_who_may_read_a_starting_point_are_told_it_exists(
    candidate, manager, outsiders
):
    agent = services.candidate_hire(candidate=candidate, by=manager)
    ids = [agent.pk, outsiders["agent"].pk]

    assert selectors.starting_points_readable(agent_ids=ids, user=manager) == {agent.pk}
    for who in ("other manager", "coach not interviewing", "agent", "hr"):
        assert selectors.starting_points_readable(agent_ids=ids, user=outsiders[who]) == set()
    assert selectors.starting_points_readable(agent_ids=[agent.pk], user=agent) == set()


def test_a_manager_closes_an_opening_and_it_takes_no_more_candidates(opening, manager):
    client = _client(manager)
    assert client.post(f"/hiring/openings/{opening.pk}/", {"status": "closed"}).status_code == 302
    opening.refresh_from_db()
    assert opening.status == "closed"
    page = client.get(f"/hiring/openings/{opening.pk}/").content.decode()
    assert "Add the candidate" not in page
    assert "Reopen it" in page


def test_a_bad_status_on_the_page_is_a_message_not_an_error(opening, manager):
    response = _client(manager).post(f"/hiring/openings/{opening.pk}/", {"status": "gone"},
                                     follow=True)  # fmt: skip
    assert response.status_code == 200
    opening.refresh_from_db()
    assert opening.status == "open"


def _published_rubric():
    rubric = RubricFactory(
        name="Interview, shorter", status="published", published_at=timezone.now()
    )
    RubricCriterionFactory(rubric=rubric, key="listening", name="Listening")
    return rubric


def _change(opening, **fields) -> dict:
    return {"change-title": fields.get("title", opening.title)} | (
        {"change-rubric": fields["rubric"]} if "rubric" in fields else {}
    )


def test_a_manager_renames_an_opening_and_changes_its_rubric_before_any_score(opening, manager):
    rubric = _published_rubric()
    client = _client(manager)
    assert 'name="change-rubric"' in client.get(f"/hiring/openings/{opening.pk}/").content.decode()

    response = client.post(
        f"/hiring/openings/{opening.pk}/",
        _change(opening, title="Billing agents, autumn", rubric=rubric.pk),
        follow=True,
    )

    opening.refresh_from_db()
    assert (opening.title, opening.rubric_id) == ("Billing agents, autumn", rubric.pk)
    assert "Opening saved." in response.content.decode()


def test_once_a_role_play_is_scored_the_page_keeps_the_rubric(interview, coach, manager):
    services.interview_score_submit(interview=interview, interviewer=coach, values=every(4))
    opening = interview.candidate.opening
    before = opening.rubric_id
    client = _client(manager)

    page = client.get(f"/hiring/openings/{opening.pk}/").content.decode()
    client.post(
        f"/hiring/openings/{opening.pk}/",
        _change(opening, title="Renamed", rubric=_published_rubric().pk),
    )

    assert 'name="change-rubric"' not in page
    assert "the rubric is fixed now that role-plays are scored on it" in page
    opening.refresh_from_db()
    assert (opening.title, opening.rubric_id) == ("Renamed", before)


def test_a_blank_title_or_a_draft_rubric_is_refused_with_a_message(opening, manager):
    draft = RubricFactory(name="Not yet", status="draft")
    client = _client(manager)
    url = f"/hiring/openings/{opening.pk}/"

    blank = client.post(url, _change(opening, title=" "))
    unpublished = client.post(url, _change(opening, rubric=draft.pk))

    assert blank.status_code == unpublished.status_code == 200
    assert "This field is required." in blank.content.decode()
    assert "Select a valid choice" in unpublished.content.decode()
    opening.refresh_from_db()
    assert opening.rubric_id != draft.pk
    assert opening.title.strip()


def test_only_the_openings_managers_may_change_it(opening, coach, outsiders):
    url = f"/hiring/openings/{opening.pk}/"
    title = opening.title

    assert _client(coach).post(url, _change(opening, title="By the coach")).status_code == 403
    other = _client(outsiders["other manager"]).post(url, _change(opening, title="By another"))
    assert other.status_code == 404
    assert 'name="change-title"' not in _client(coach).get(url).content.decode()
    opening.refresh_from_db()
    assert opening.title == title
