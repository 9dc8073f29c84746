import pytest

from insights import statistics
from insights.selectors import calibration_results
from tests.insights.conftest import TONE, VALIDATION, _score_all, make_interactions

pytestmark = pytest.mark.django_db


def test_results_equal_the_reference_statistics(session, reviewers):
    _score_all(session, reviewers)

    results = calibration_results(session=session)

    assert results["interactions_compared"] == 4
    tone = results["criteria"]["tone"]
    assert tone["icc_2_1"] == pytest.approx(statistics.icc_2_1(TONE), abs=1e-9)
    assert (tone["exact_agreement"], tone["within_one_point"]) == pytest.approx(
        statistics.pair_agreement(TONE)
    )
    overall = [
        [(t + v) / 2 for t, v in zip(tr, vr, strict=True)]
        for tr, vr in zip(TONE, VALIDATION, strict=True)
    ]
    assert results["overall"]["icc_2_1"] == pytest.approx(statistics.icc_2_1(overall), abs=1e-9)


def test_the_drifting_reviewer_is_flagged(session, reviewers):
    _score_all(session, reviewers)

    flags = {
        r["reviewer"]: (round(r["drift"], 3), r["flagged"])
        for r in calibration_results(session=session)["reviewers"]
    }

    # the third reviewer scores about 1.1 points under the consensus
    assert flags[reviewers[2].pk][1] is True
    assert flags[reviewers[2].pk][0] < -0.8
    assert flags[reviewers[0].pk][1] is False


def test_scores_stay_blind_until_the_reviewer_has_submitted_everything(
    coach_api, session, reviewers
):
    _score_all(session, reviewers, skip=(3, 0))  # the first reviewer still owes one
    coach_api.force_authenticate(reviewers[0])

    mine = coach_api.get(f"/api/calibrations/{session.pk}/scores/").json()
    results = coach_api.get(f"/api/calibrations/{session.pk}/results/")
    last = sorted(session.interactions.all(), key=lambda i: i.pk)[3]
    coach_api.post(
        f"/api/calibrations/{session.pk}/score/",
        {"interaction": last.pk, "values": {"tone": 2, "validation": 1}},
        format="json",
    )
    everyone = coach_api.get(f"/api/calibrations/{session.pk}/scores/").json()

    assert {s["scorer"] for s in mine} == {reviewers[0].pk}
    assert len(mine) == 3
    assert results.status_code == 403
    assert len(everyone) == 12
    assert coach_api.get(f"/api/calibrations/{session.pk}/results/").status_code == 200


def test_a_score_is_final_and_only_for_session_reviewers(coach_api, session, reviewers):
    from tests.factories import CoachFactory

    interaction = session.interactions.first()
    body = {"interaction": interaction.pk, "values": {"tone": 3, "validation": 3}}
    coach_api.force_authenticate(reviewers[0])

    first = coach_api.post(f"/api/calibrations/{session.pk}/score/", body, format="json")
    again = coach_api.post(f"/api/calibrations/{session.pk}/score/", body, format="json")
    coach_api.force_authenticate(CoachFactory())
    outsider = coach_api.post(f"/api/calibrations/{session.pk}/score/", body, format="json")

    assert first.status_code == 201
    assert first.json()["context"] == "calibration"
    assert again.status_code == 400
    assert outsider.status_code == 404


def test_hr_sees_no_calibration_and_no_interactions(hr_api, session):
    assert hr_api.get(f"/api/calibrations/{session.pk}/").status_code == 404
    assert hr_api.get("/api/interactions/").status_code == 403


def test_agents_see_only_their_own_interactions(agent_api, agents, session):
    agent_api.force_authenticate(agents[0])

    listed = agent_api.get("/api/interactions/").json()["results"]

    assert listed
    assert {row["agent"] for row in listed} == {agents[0].pk}


def test_a_manager_opens_a_session_through_the_api(manager_api, manager, agents, rubric, reviewers):
    interactions = make_interactions(agents, {"chat": 2})
    manager_api.force_authenticate(manager)

    response = manager_api.post(
        "/api/calibrations/",
        {
            "name": "Dec", "rubric": rubric.pk, "interactions": [i.pk for i in interactions],
            "reviewers": [r.pk for r in reviewers[:2]],
        },
        format="json",
    )  # fmt: skip
    too_few = manager_api.post(
        "/api/calibrations/",
        {"name": "Solo", "rubric": rubric.pk, "interactions": [interactions[0].pk],
         "reviewers": [reviewers[0].pk]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    assert too_few.status_code == 400
    assert "two reviewers" in too_few.json()["reviewers"][0]


def test_interactions_import_through_the_api_and_the_admin(manager_api, manager, client, agents):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from insights.models import Interaction
    from tests.factories import ManagerFactory

    csv = (
        "external_id,channel,agent_email,occurred_at,csat\n"
        f"A-1,chat,{agents[0].email},2026-09-14T13:02:11Z,5\n"
        f"A-2,fax,{agents[0].email},2026-09-14T13:02:11Z,4\n"
    ).encode()

    manager_api.force_authenticate(manager)  # the agents' facilitator
    api = manager_api.post(
        "/api/interactions/import/",
        {"file": SimpleUploadedFile("i.csv", csv), "source": "zd"},
        format="multipart",
    ).json()
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    page = client.post(
        "/admin/insights/interaction/import/",
        {"file": SimpleUploadedFile("i.csv", csv), "source": "zd2", "mapping": "attune"},
    )

    assert (api["created"], len(api["rejected"])) == (1, 1)
    assert api["rejected"][0]["line"] == 3
    assert "1 rejected" in page.content.decode()
    assert Interaction.objects.filter(source__in=["zd", "zd2"]).count() == 2


def test_the_admin_refuses_a_calibration_with_one_reviewer(client, agents, rubric, reviewers):
    from insights.models import CalibrationSession
    from tests.factories import ManagerFactory

    interactions = make_interactions(agents, {"chat": 2})
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/insights/calibrationsession/add/",
        {
            "name": "Solo", "rubric": rubric.pk, "interactions": [i.pk for i in interactions],
            "reviewers": [reviewers[0].pk], "drift_bound": "0.5",
            "scores-TOTAL_FORMS": 0, "scores-INITIAL_FORMS": 0,
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert "at least two reviewers" in response.content.decode()
    assert not CalibrationSession.objects.exists()
