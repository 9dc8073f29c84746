import datetime
from collections import Counter

import pytest

from cohorts.models import RubricScore
from insights import services
from insights.models import BaselineItem
from insights.selectors import baseline_report
from tests.factories import InteractionFactory
from tests.insights.conftest import END, START, make_interactions

pytestmark = pytest.mark.django_db


def _draw(cohort, rubric, reviewers, size=20, seed=7, **extra):
    return services.baseline_create(
        name="Q3 baseline",
        rubric=rubric,
        reviewers=reviewers,
        window_start=START,
        window_end=END,
        cohort=cohort,
        sample_size=size,
        seed=seed,
        **extra,
    )


def test_allocation_is_proportional_with_largest_remainders():
    allocation = services.stratified_allocation({"call": 50, "chat": 30, "email": 20}, 7)

    # quotas 3.5, 2.1, 1.4 -> floors 3, 2, 1 and the one left goes to the largest remainder
    assert allocation == {"call": 4, "chat": 2, "email": 1}
    assert sum(services.stratified_allocation({"call": 3, "chat": 1}, 200).values()) == 4


def test_the_sample_is_stratified_by_channel(cohort, agents, rubric, reviewers):
    make_interactions(agents, {"call": 60, "chat": 30, "email": 10})

    assessment = _draw(cohort, rubric, reviewers, size=20)

    channels = Counter(assessment.items.values_list("interaction__channel", flat=True))
    assert channels == {"call": 12, "chat": 6, "email": 2}


def test_the_same_seed_draws_the_same_sample(cohort, agents, rubric, reviewers):
    make_interactions(agents, {"call": 40, "chat": 40})
    first = set(_draw(cohort, rubric, reviewers).items.values_list("interaction", flat=True))
    BaselineItem.objects.all().delete()

    again = set(_draw(cohort, rubric, reviewers).items.values_list("interaction", flat=True))
    BaselineItem.objects.all().delete()
    other = set(
        _draw(cohort, rubric, reviewers, seed=8).items.values_list("interaction", flat=True)
    )

    assert first == again
    assert first != other


def test_interactions_sampled_before_are_left_out(cohort, agents, rubric, reviewers):
    make_interactions(agents, {"chat": 30})

    first = _draw(cohort, rubric, reviewers, size=20)
    second = _draw(cohort, rubric, reviewers, size=20, seed=9)

    assert second.items.count() == 10
    assert not set(first.items.values_list("interaction", flat=True)) & set(
        second.items.values_list("interaction", flat=True)
    )


def test_only_the_window_and_the_cohorts_agents_are_sampled(cohort, agents, rubric, reviewers):
    inside = make_interactions(agents, {"call": 5})
    make_interactions(agents, {"call": 5}, when=END + datetime.timedelta(days=1))
    InteractionFactory.create_batch(5, occurred_at=START + datetime.timedelta(days=2))

    assessment = _draw(cohort, rubric, reviewers, size=200)

    assert set(assessment.items.values_list("interaction", flat=True)) == {i.pk for i in inside}


def test_reviewers_get_even_shares(cohort, agents, rubric, reviewers):
    make_interactions(agents, {"call": 31})

    assessment = _draw(cohort, rubric, reviewers, size=31)

    shares = sorted(Counter(assessment.items.values_list("reviewer", flat=True)).values())
    assert shares == [10, 10, 11]


def test_agents_cannot_review(cohort, agents, rubric):
    with pytest.raises(services.ValidationError, match="reviewers are coaches or managers"):
        _draw(cohort, rubric, [agents[0]])


def test_the_report_averages_scores_and_window_metrics(cohort, agents, rubric, reviewers):
    make_interactions(agents, {"call": 2})
    for n, row in enumerate(
        [
            {"csat": 5, "handle_seconds": 300, "escalated": False, "resolved_first_contact": True},
            {"csat": 3, "handle_seconds": 500, "escalated": True, "resolved_first_contact": None},
        ]
    ):
        InteractionFactory(
            agent=agents[n], channel="email", occurred_at=START + datetime.timedelta(days=5), **row
        )
    assessment = _draw(cohort, rubric, reviewers[:1], size=2)
    for item, values in zip(
        assessment.items.all(),
        [{"tone": 4, "validation": 2}, {"tone": 2, "validation": 2}],
        strict=False,
    ):
        services.baseline_score(item=item, reviewer=reviewers[0], values=values)

    report = baseline_report(assessment=assessment)

    assert report["rubric"]["criteria"]["tone"] == {
        "name": "Criterion",
        "average": 3.0,
        "count": 2,
    } or (report["rubric"]["criteria"]["tone"]["average"] == 3.0)
    assert report["rubric"]["criteria"]["validation"]["average"] == 2.0
    assert report["rubric"]["overall_percent"] == pytest.approx((60 + 40) / 2)
    window = report["window"]
    assert window["interactions"] == 4
    assert window["csat"] == {"average": 4.0, "count": 2}
    assert window["aht_seconds"] == {"average": 400.0, "count": 2}
    assert window["escalation_rate"] == {"rate": 0.5, "count": 2}
    assert window["first_contact_resolution"] == {"rate": 1.0, "count": 1}


def test_only_the_assigned_reviewer_scores_and_only_once(cohort, agents, rubric, reviewers):
    make_interactions(agents, {"call": 1})
    item = _draw(cohort, rubric, reviewers[:1], size=1).items.get()

    with pytest.raises(services.ValidationError, match="another reviewer"):
        services.baseline_score(
            item=item, reviewer=reviewers[1], values={"tone": 3, "validation": 3}
        )
    services.baseline_score(item=item, reviewer=reviewers[0], values={"tone": 3, "validation": 3})
    with pytest.raises(services.ValidationError, match="already"):
        services.baseline_score(
            item=item, reviewer=reviewers[0], values={"tone": 3, "validation": 3}
        )

    score = RubricScore.objects.get()
    assert (score.context, score.subject, score.interaction_ref) == (
        "baseline",
        item.interaction.agent,
        item.interaction.reference,
    )


def test_baseline_through_the_api(
    manager_api, manager, cohort, agents, rubric, reviewers, coach_api
):
    make_interactions(agents, {"call": 6, "chat": 3})
    manager_api.force_authenticate(manager)

    created = manager_api.post(
        "/api/baselines/",
        {
            "name": "Q3", "cohort": cohort.pk, "window_start": START.isoformat(),
            "window_end": END.isoformat(), "sample_size": 6, "seed": 3, "rubric": rubric.pk,
            "reviewers": [r.pk for r in reviewers],
        },
        format="json",
    )  # fmt: skip
    assessment_id = created.json()["id"]
    coach_api.force_authenticate(reviewers[0])
    mine = coach_api.get(f"/api/baselines/{assessment_id}/items/").json()
    scored = coach_api.post(
        f"/api/baselines/{assessment_id}/items/{mine[0]['id']}/score/",
        {"values": {"tone": 9, "validation": 3}},
        format="json",
    )
    report = manager_api.get(f"/api/baselines/{assessment_id}/report/").json()

    assert created.status_code == 201, created.json()
    assert created.json()["seed"] == 3
    assert len(mine) == 2
    assert scored.status_code == 400
    assert "“tone” must be between 1 and 5" in scored.json()["values"][0]
    assert report["sample"] == {"size": 6, "scored": 0}


def test_hr_and_agents_see_no_baselines(hr_api, agent_api, cohort, agents, rubric, reviewers):
    make_interactions(agents, {"call": 2})
    assessment = _draw(cohort, rubric, reviewers, size=2)

    assert hr_api.get(f"/api/baselines/{assessment.pk}/report/").status_code == 404
    assert agent_api.get(f"/api/baselines/{assessment.pk}/report/").status_code == 404


def test_a_baseline_is_drawn_from_the_admin(client, cohort, agents, rubric, reviewers):
    from insights.models import BaselineAssessment
    from tests.factories import ManagerFactory

    make_interactions(agents, {"call": 4, "chat": 2})
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    form = {
        "name": "Admin draw", "cohort": cohort.pk, "window_start_0": "2026-09-01",
        "window_start_1": "00:00:00", "window_end_0": "2026-10-01", "window_end_1": "00:00:00",
        "sample_size": 3, "rubric": rubric.pk, "reviewers": [r.pk for r in reviewers],
        "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = client.post("/admin/insights/baselineassessment/add/", form)
    refused = client.post(
        "/admin/insights/baselineassessment/add/", {**form, "reviewers": [agents[0].pk]}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    drawn = BaselineAssessment.objects.get()
    assert drawn.items.count() == 3
    assert drawn.seed != 0
    assert refused.status_code == 200
    assert "reviewers are coaches or managers" in refused.content.decode()
