"""The hiring API: who sees what, blind scores, the comparison and its CSV, hiring, deleting,
and pinned query counts."""

import csv
import io

import pytest

from accounts.models import User
from hiring import services
from hiring.models import Candidate
from tests.clients import api_as
from tests.hiring.conftest import every, values

pytestmark = pytest.mark.django_db


def _urls(opening, candidate, interview) -> list[str]:
    return [
        f"/api/openings/{opening.pk}/",
        f"/api/openings/{opening.pk}/comparison/",
        f"/api/openings/{opening.pk}/comparison-csv/",
        f"/api/candidates/{candidate.pk}/",
        f"/api/interviews/{interview.pk}/",
        f"/api/interviews/{interview.pk}/scores/",
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("other manager", 404), ("coach not interviewing", 404), ("agent", 403), ("hr", 403)],
)
def test_outsiders_get_404_or_403_on_every_hiring_url(who, expected, interview, outsiders):
    client = api_as(outsiders[who])
    candidate = interview.candidate
    for url in _urls(candidate.opening, candidate, interview):
        assert client.get(url).status_code == expected, url
    assert client.patch(f"/api/candidates/{candidate.pk}/", {"stage": "rejected"}).status_code in (
        403, 404,
    )  # fmt: skip
    assert client.delete(f"/api/candidates/{candidate.pk}/").status_code in (403, 404)
    assert client.post(f"/api/candidates/{candidate.pk}/hire/", {}).status_code in (403, 404)
    assert Candidate.objects.filter(pk=candidate.pk, stage="interviewing").exists()


@pytest.mark.parametrize("who", ["other manager", "coach not interviewing"])
def test_outsiders_lists_hold_nothing_of_the_opening(who, interview, outsiders):
    client = api_as(outsiders[who])
    for url in ("/api/openings/", "/api/candidates/", "/api/interviews/"):
        assert client.get(url).json()["count"] == 0, url


def test_an_interviewer_reads_the_opening_but_cannot_change_it_or_compare(interview, coach):
    client = api_as(coach)
    candidate = interview.candidate
    assert client.get(f"/api/openings/{candidate.opening.pk}/").status_code == 200
    assert client.get(f"/api/candidates/{candidate.pk}/").status_code == 200
    assert client.get(f"/api/openings/{candidate.opening.pk}/comparison/").status_code == 403
    assert client.delete(f"/api/candidates/{candidate.pk}/").status_code == 403
    response = client.post("/api/candidates/", {"opening": candidate.opening.pk, "name": "X",
                                                "email": "x@mail.test"})  # fmt: skip
    assert response.status_code == 403


def test_a_manager_cannot_add_a_candidate_to_another_managers_opening(interview, outsiders):
    response = api_as(outsiders["other manager"]).post(
        "/api/candidates/",
        {"opening": interview.candidate.opening.pk, "name": "X", "email": "x@mail.test"},
    )
    assert response.status_code == 400
    assert "opening" in response.json()


def test_a_manager_opens_hiring_adds_a_candidate_and_a_role_play(manager, team, coach):
    client = api_as(manager)
    response = client.post(
        "/api/openings/", {"title": "Chat agents", "team": team.pk, "interviewers": [coach.pk]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    opening = response.json()
    assert opening["interviewers"] == [coach.pk]
    response = client.post("/api/candidates/", {"opening": opening["id"], "name": "Cy",
                                                "email": "Cy@Mail.test"})  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "cy@mail.test"
    response = client.post("/api/interviews/", {"candidate": response.json()["id"]})
    assert response.status_code == 201, response.json()


def test_opening_hiring_for_a_team_one_does_not_manage_is_refused(team, outsiders):
    response = api_as(outsiders["other manager"]).post(
        "/api/openings/", {"title": "Not mine", "team": team.pk}
    )
    assert response.status_code == 400
    assert "team" in response.json()


def test_a_coach_cannot_open_hiring(team, coach):
    assert api_as(coach).post("/api/openings/", {"title": "x", "team": team.pk}).status_code == 403


def test_scores_are_blind_until_the_interviewer_submits(interview, coach, second_interviewer):
    url = f"/api/interviews/{interview.pk}/"
    first = api_as(coach).post(url + "score/", {"values": every(4), "notes": "Calm."},
                               format="json")  # fmt: skip
    assert first.status_code == 201, first.json()

    other = api_as(second_interviewer)
    assert other.get(url + "scores/").json() == []
    response = other.post(url + "score/", {"values": every(2)}, format="json")
    assert response.status_code == 201
    seen = other.get(url + "scores/").json()
    assert sorted(row["values"]["tone"] for row in seen) == [2, 4]
    assert {row["notes"] for row in seen} == {"Calm.", ""}


def test_a_second_score_by_the_same_interviewer_is_a_400(interview, coach):
    url = f"/api/interviews/{interview.pk}/score/"
    assert api_as(coach).post(url, {"values": every(4)}, format="json").status_code == 201
    response = api_as(coach).post(url, {"values": every(1)}, format="json")
    assert response.status_code == 400
    assert "interview" in response.json()


def test_a_score_with_a_wrong_criterion_is_a_400_naming_values(interview, coach):
    response = api_as(coach).post(
        f"/api/interviews/{interview.pk}/score/", {"values": {"empathy": 3}}, format="json"
    )
    assert response.status_code == 400
    assert "values" in response.json()


def test_the_comparison_and_its_csv(interview, coach, second_interviewer, manager):
    by_coach = values(4, tone=5)
    services.interview_score_submit(interview=interview, interviewer=coach, values=by_coach)
    services.interview_score_submit(
        interview=interview, interviewer=second_interviewer, values=values(4, tone=2)
    )
    opening = interview.candidate.opening
    body = api_as(manager).get(f"/api/openings/{opening.pk}/comparison/").json()
    (row,) = body["candidates"]
    tone = next(c for c in row["criteria"] if c["key"] == "tone")
    assert (row["rank"], row["name"], row["disagreement"]) == (1, "Cara Candidate", True)
    assert (tone["mean"], tone["spread"]) == ("3.50", 3)

    response = api_as(manager).get(f"/api/openings/{opening.pk}/comparison-csv/")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["rank", "candidate", "stage", "mean"]
    assert rows[1][:4] == ["1", "Cara Candidate", "Interviewing", "3.38"]
    assert "yes" in rows[1]


def test_a_manager_hires_a_candidate_into_an_agent_account(interview, manager, team):
    response = api_as(manager).post(f"/api/candidates/{interview.candidate.pk}/hire/", {})
    assert response.status_code == 201, response.json()
    agent = User.objects.get(pk=response.json()["agent"])
    assert (agent.role, agent.team) == ("agent", team)
    starting = api_as(agent).get("/api/hiring/starting-point/")
    assert starting.status_code == 200
    assert starting.json()["opening"] == "Billing agents, spring"


def test_an_agent_who_was_not_hired_here_has_no_starting_point(outsiders):
    assert api_as(outsiders["agent"]).get("/api/hiring/starting-point/").status_code == 404


def test_a_manager_deletes_a_candidate(interview, manager):
    candidate = interview.candidate
    assert api_as(manager).delete(f"/api/candidates/{candidate.pk}/").status_code == 204
    assert not Candidate.objects.filter(pk=candidate.pk).exists()


def _many(opening, names):
    for name in names:
        candidate = services.candidate_add(opening=opening, name=name, email=f"{name}@mail.test")
        services.interview_create(candidate=candidate)


# Each list as a manager: the session's user is forced, so no query for it.
PINNED = {
    # openings: count, page (with candidate counts), interviewers prefetch
    "/api/openings/": 3,
    # candidates: count, page
    "/api/candidates/": 2,
    # interviews: count, page (with scenario and score counts)
    "/api/interviews/": 2,
}


@pytest.mark.parametrize("url", PINNED)
def test_list_query_counts_are_pinned_and_flat(url, opening, manager, django_assert_num_queries):
    _many(opening, ["a", "b"])
    client = api_as(manager)
    with django_assert_num_queries(PINNED[url]):
        assert client.get(url).status_code == 200
    _many(opening, ["c", "d", "e", "f", "g"])
    with django_assert_num_queries(PINNED[url]):
        assert client.get(url).json()["count"] >= 1


def test_the_comparison_query_count_is_pinned_and_flat(
    opening, manager, coach, django_assert_num_queries
):
    _many(opening, ["a", "b"])
    client = api_as(manager)
    url = f"/api/openings/{opening.pk}/comparison/"
    # the opening, may I run it, the rubric's criteria, the candidates, their scores
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    _many(opening, ["c", "d", "e", "f", "g"])
    for interview in opening.candidates.first().interviews.all():
        services.interview_score_submit(interview=interview, interviewer=coach, values=every(3))
    with django_assert_num_queries(5):
        assert len(client.get(url).json()["candidates"]) == 7


@pytest.mark.parametrize("who", ["agent", "hr"])
def test_agents_and_hr_get_403_on_the_hiring_lists(who, interview, outsiders):
    client = api_as(outsiders[who])
    for url in ("/api/openings/", "/api/candidates/", "/api/interviews/"):
        assert client.get(url).status_code == 403, url
