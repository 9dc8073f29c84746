"""Calibration on pages: blind scoring, the HTML results, the consensus and reviewer
quality; and who may see each."""

import pytest
from django.urls import reverse

from insights import selectors, services
from insights.models import CalibrationConsensus, CalibrationSession
from tests.factories import AgentFactory, CoachFactory, HRFactory
from tests.insights.conftest import TONE, VALIDATION, _score_all, make_interactions

pytestmark = pytest.mark.django_db


def _url(session, name="web:calibration"):
    return reverse(name, args=[session.pk])


def test_a_reviewer_scores_blind_on_the_page(client, session, reviewers):
    first = sorted(session.interactions.all(), key=lambda i: i.pk)[0]
    client.force_login(reviewers[0])
    page = client.get(_url(session)).content.decode()
    assert "4 interactions left to score." in page
    assert client.get(_url(session, "web:calibration-results")).status_code == 403  # blind

    client.post(_url(session), {
        "interaction": first.pk, f"i{first.pk}-score_tone": "4",
        f"i{first.pk}-score_validation": "3",
    })  # fmt: skip

    row = session.scores.get(reviewer=reviewers[0], interaction=first)
    assert row.score.values == {"tone": 4, "validation": 3}
    assert "3 interactions left to score." in client.get(_url(session)).content.decode()


def test_a_score_off_the_scale_is_refused(client, session, reviewers):
    first = session.interactions.first()
    client.force_login(reviewers[0])

    response = client.post(_url(session), {
        "interaction": first.pk, f"i{first.pk}-score_tone": "9",
        f"i{first.pk}-score_validation": "3",
    }, follow=True)  # fmt: skip

    assert "Choose a score on the scale" in response.content.decode()
    assert not session.scores.exists()


def test_results_in_html_once_everything_is_scored(client, session, reviewers):
    _score_all(session, reviewers)
    client.force_login(reviewers[1])

    page = client.get(_url(session, "web:calibration-results")).content.decode()

    results = selectors.calibration_results(session=session)
    assert f"{results['overall']['icc_2_1']:.2f}" in page
    assert "beyond the bound" in page  # the third reviewer scores lower
    assert "Record the consensus" not in page  # reviewers do not record it


def test_the_session_runner_records_the_consensus_and_quality_follows(
    client, session, reviewers, manager
):
    _score_all(session, reviewers)
    first = sorted(session.interactions.all(), key=lambda i: i.pk)[0]
    client.force_login(manager)

    client.post(_url(session, "web:calibration-results"), {
        "interaction": first.pk, f"c{first.pk}-score_tone": "4",
        f"c{first.pk}-score_validation": "3", f"c{first.pk}-notes": "Validation was generic.",
    })  # fmt: skip

    consensus = CalibrationConsensus.objects.get(session=session, interaction=first)
    assert consensus.values == {"tone": 4, "validation": 3}
    quality = client.get(reverse("web:reviewer-quality")).content.decode()
    # Reviewer 3 gave tone 2, validation 2: (|2-4| + |2-3|) / 2 = 1.5 points away.
    rows = selectors.reviewer_quality(sessions=[session])
    distances = {row["reviewer"]: row["distance"] for row in rows}
    third = reviewers[2].display_name or reviewers[2].email
    assert distances[third] == (abs(TONE[0][2] - 4) + abs(VALIDATION[0][2] - 3)) / 2
    assert "1.5" in quality


def test_no_consensus_before_everyone_scored_it(session, reviewers, manager):
    _score_all(session, reviewers, skip=(0, 2))
    first = sorted(session.interactions.all(), key=lambda i: i.pk)[0]

    with pytest.raises(Exception, match="Every reviewer scores it first"):
        services.calibration_consensus_record(
            session=session, interaction=first, values={"tone": 4, "validation": 3}, notes="",
            by=manager,
        )  # fmt: skip


@pytest.mark.parametrize("factory", [CoachFactory, AgentFactory, HRFactory])
def test_outsiders_see_no_session(client, session, factory):
    client.force_login(factory())

    assert client.get(_url(session)).status_code == 404
    assert client.get(_url(session, "web:calibration-results")).status_code == 404


def test_reviewer_quality_is_for_managers(client, reviewers):
    client.force_login(reviewers[0])

    assert client.get(reverse("web:reviewer-quality")).status_code == 403


# --- The list and opening a session ---------------------------------------------------------


def test_a_manager_opens_a_session_on_the_page(client, manager, agents, rubric, reviewers):

    interactions = make_interactions(agents, {"call": 3})
    client.force_login(manager)
    page = client.get(reverse("web:calibration-new")).content.decode()
    assert all(i.reference in page for i in interactions)

    response = client.post(reverse("web:calibration-new"), {
        "name": "December", "rubric": rubric.pk, "drift_bound": "0.5",
        "interactions": [i.pk for i in interactions[:2]],
        "reviewers": [reviewers[0].pk, manager.pk],
    })  # fmt: skip

    session = CalibrationSession.objects.get(name="December")
    assert response.url == _url(session)
    assert set(session.interactions.all()) == set(interactions[:2])
    assert set(session.reviewers.all()) == {reviewers[0], manager}
    assert session.created_by == manager


def test_opening_a_session_shows_every_problem_by_its_field(client, manager, rubric, reviewers):
    client.force_login(manager)

    response = client.post(reverse("web:calibration-new"), {
        "name": "", "rubric": rubric.pk, "drift_bound": "-1", "reviewers": [reviewers[0].pk],
    })  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "Name the session." in page
    assert "Choose at least one interaction." in page
    assert "Ensure this value is greater than or equal to 0." in page
    assert not CalibrationSession.objects.exists()


def test_one_reviewer_is_refused_by_the_service_and_shown_by_the_field(
    client, manager, agents, rubric, reviewers
):

    interaction = make_interactions(agents, {"call": 1})[0]
    client.force_login(manager)

    response = client.post(reverse("web:calibration-new"), {
        "name": "Solo", "rubric": rubric.pk, "drift_bound": "0.5",
        "interactions": [interaction.pk], "reviewers": [reviewers[0].pk],
    })  # fmt: skip

    assert 'id="reviewers-errors"' in response.content.decode()
    assert "at least two reviewers" in response.content.decode()


def test_a_manager_cannot_put_another_managers_agents_interactions_in_a_session(
    client, rubric, reviewers
):
    from tests.factories import InteractionFactory, ManagerFactory

    stranger = InteractionFactory()  # an agent nobody here manages
    manager = ManagerFactory()
    client.force_login(manager)

    page = client.get(reverse("web:calibration-new")).content.decode()
    response = client.post(reverse("web:calibration-new"), {
        "name": "Sneaky", "rubric": rubric.pk, "drift_bound": "0.5",
        "interactions": [stranger.pk], "reviewers": [r.pk for r in reviewers[:2]],
    })  # fmt: skip

    assert stranger.reference not in page
    assert "Choose interactions of agents you manage." in response.content.decode()
    assert not CalibrationSession.objects.exists()


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory, CoachFactory])
def test_only_managers_open_sessions(client, factory):
    client.force_login(factory())

    assert client.get(reverse("web:calibration-new")).status_code == 403


def test_the_list_shows_a_reviewer_what_is_left_and_hides_results_until_done(
    client, session, reviewers
):
    client.force_login(reviewers[0])

    page = client.get(reverse("web:calibrations")).content.decode()

    assert "November calibration" in page
    assert "0 of 4" in page
    assert _url(session) in page
    assert _url(session, "web:calibration-results") not in page


def test_the_list_shows_nothing_of_sessions_i_am_not_part_of(client, session):
    client.force_login(CoachFactory())

    page = client.get(reverse("web:calibrations")).content.decode()

    assert "November calibration" not in page
    assert client.get(_url(session)).status_code == 404


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_agents_and_hr_have_no_calibration_list(client, factory):
    client.force_login(factory())

    assert client.get(reverse("web:calibrations")).status_code == 403
