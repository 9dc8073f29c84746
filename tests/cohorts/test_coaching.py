import datetime
from collections import Counter
from itertools import combinations

import pytest
import time_machine

from cohorts import services
from cohorts.models import CoachingPair, RubricScore
from tests.cohorts.conftest import BEFORE_START, enrol
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
CRITERIA = ["tone", "validation", "paraphrase", "question_quality", "actionable_closure"]
# Day 44 (8 December): coaching weeks 1 and 2 are under way or past, weeks 3-5 ahead.
MID_PRACTICE = datetime.datetime(2026, 12, 8, 12, tzinfo=UTC)


def _groups(cohort, week):
    return sorted(
        tuple(sorted(m.enrollment_id for m in pair.members.all()))
        for pair in CoachingPair.objects.filter(cohort=cohort, week=week).prefetch_related(
            "members"
        )
    )


def _start(cohort):
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)


def test_everyone_has_one_partner_each_week_and_nobody_repeats(cohort):
    enrol(cohort, 6)
    _start(cohort)

    met = Counter()
    for week in range(1, 6):
        groups = _groups(cohort, week)
        assert [len(group) for group in groups] == [2, 2, 2]
        met.update(frozenset(pair) for pair in groups)
    assert max(met.values()) == 1  # five weeks, five possible partners each


def test_an_odd_count_gives_one_trio(cohort):
    enrol(cohort, 7)
    _start(cohort)

    sizes = sorted(len(group) for group in _groups(cohort, 1))

    assert sizes == [2, 2, 3]


def test_a_cohort_started_mid_week_pairs_the_week_under_way(cohort):
    enrol(cohort, 6)

    with time_machine.travel(MID_PRACTICE, tick=False):
        services.cohort_start(cohort=cohort)

    assert _groups(cohort, 1) == []  # over before the cohort started: history
    met = Counter()
    for week in range(2, 6):
        groups = _groups(cohort, week)
        assert [len(group) for group in groups] == [2, 2, 2]
        met.update(frozenset(pair) for pair in groups)
    assert max(met.values()) == 1


def test_regenerating_keeps_the_pairs_of_the_week_under_way(cohort):
    enrol(cohort, 6)
    with time_machine.travel(MID_PRACTICE, tick=False):
        services.cohort_start(cohort=cohort)
    under_way = _groups(cohort, 2)
    pair_ids = set(CoachingPair.objects.filter(cohort=cohort, week=2).values_list("pk", flat=True))

    with time_machine.travel(MID_PRACTICE + datetime.timedelta(hours=1), tick=False):
        drawn = services.coaching_pairs_generate(cohort=cohort)

    assert drawn == 3  # weeks 3-5
    assert _groups(cohort, 2) == under_way
    assert set(CoachingPair.objects.filter(cohort=cohort, week=2).values_list("pk", flat=True)) == (
        pair_ids
    )


def test_pairs_are_the_same_for_the_same_seed(cohort, program):
    from tests.factories import CohortFactory

    enrol(cohort, 8)
    _start(cohort)
    first = [_groups(cohort, week) for week in range(1, 6)]

    with time_machine.travel(BEFORE_START, tick=False):
        services.coaching_pairs_generate(cohort=cohort)

    assert [_groups(cohort, week) for week in range(1, 6)] == first
    other = CohortFactory(program=program, start_date=cohort.start_date, pairing_seed=99)
    assert other.pairing_seed != cohort.pairing_seed


def test_withdrawal_repairs_future_weeks_only(cohort, facilitator):
    enrollments = enrol(cohort, 6)
    _start(cohort)
    past = [_groups(cohort, week) for week in (1, 2)]
    leaver = enrollments[0]

    with time_machine.travel(MID_PRACTICE, tick=False):
        services.enrollment_withdraw(enrollment=leaver, by=facilitator, reason="left")

    assert [_groups(cohort, week) for week in (1, 2)] == past
    for week in (3, 4, 5):
        groups = _groups(cohort, week)
        assert all(leaver.pk not in group for group in groups)
        assert sorted(len(group) for group in groups) == [2, 3]


def test_re_pairing_avoids_partners_already_met_when_it_can(cohort, facilitator):
    enrollments = enrol(cohort, 8)
    _start(cohort)

    with time_machine.travel(MID_PRACTICE, tick=False):
        services.enrollment_withdraw(enrollment=enrollments[0], by=facilitator)
        services.enrollment_reactivate(enrollment=enrollments[0], by=facilitator)

    met = Counter()
    for week in range(1, 6):
        met.update(frozenset(p) for group in _groups(cohort, week) for p in combinations(group, 2))
    assert max(met.values()) == 1


def test_a_member_records_the_session_and_scores_their_partner(agent_api, started):
    pair = started.coaching_pairs.filter(week=1).first()
    scorer, subject = [m.enrollment.agent for m in pair.members.all()][:2]
    agent_api.force_authenticate(scorer)

    held = agent_api.post(f"/api/coaching-pairs/{pair.pk}/session/", {"session": "held"})
    scored = agent_api.post(
        f"/api/coaching-pairs/{pair.pk}/scores/",
        {
            "subject": subject.pk,
            "values": {"tone": 5, "validation": 4, "paraphrase": 4, "question_quality": 3,
                       "actionable_closure": 4},
            "feedback": "Great paraphrase of the billing issue.",
            "observed": "role_play",
        },
        format="json",
    )  # fmt: skip

    assert held.json()["session"] == "held"
    assert scored.status_code == 201, scored.json()
    score = RubricScore.objects.get()
    assert (score.context, score.rubric, score.percent) == ("peer", started.program.rubric, 80)


ALL_THREES = dict.fromkeys(CRITERIA, 3)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({**ALL_THREES, "tone": 6}, "“tone” must be between 1 and 5, not 6."),
        ({**ALL_THREES, "tone": "high"}, "“tone” must be a whole number"),
        ({**ALL_THREES, "empathy": 3}, "“empathy” is not a criterion"),
        ({"tone": 3}, "“validation” (Criterion"),
    ],
)
def test_peer_scores_are_checked_against_the_rubric(agent_api, started, values, message):
    pair = started.coaching_pairs.filter(week=1).first()
    scorer, subject = [m.enrollment.agent for m in pair.members.all()][:2]
    agent_api.force_authenticate(scorer)

    response = agent_api.post(
        f"/api/coaching-pairs/{pair.pk}/scores/",
        {"subject": subject.pk, "values": values},
        format="json",
    )

    assert response.status_code == 400
    assert any(message in error for error in response.json()["values"])
    assert not RubricScore.objects.exists()


def test_an_outsider_cannot_see_or_score_a_pair(agent_api, started):
    pair = started.coaching_pairs.filter(week=1).first()
    subject = pair.members.first().enrollment.agent

    response = agent_api.post(
        f"/api/coaching-pairs/{pair.pk}/scores/",
        {"subject": subject.pk, "values": dict.fromkeys(CRITERIA, 3)},
        format="json",
    )

    assert response.status_code == 404
    assert agent_api.get("/api/coaching-pairs/").json()["count"] == 0


def test_nobody_scores_someone_outside_their_pair(agent_api, started):
    pair = started.coaching_pairs.filter(week=1).first()
    scorer = pair.members.first().enrollment.agent
    outsider = started.coaching_pairs.filter(week=1).exclude(pk=pair.pk).first()
    stranger = outsider.members.first().enrollment.agent
    agent_api.force_authenticate(scorer)

    response = agent_api.post(
        f"/api/coaching-pairs/{pair.pk}/scores/",
        {"subject": stranger.pk, "values": dict.fromkeys(CRITERIA, 3)},
        format="json",
    )

    assert response.status_code == 400
    assert "partner" in response.json()["subject"][0]


def test_score_visibility_by_role(agent_api, hr_api, started):
    pair = started.coaching_pairs.filter(week=1).first()
    scorer, subject = [m.enrollment.agent for m in pair.members.all()][:2]
    services.peer_score_create(
        pair=pair, scorer=scorer, subject=subject, values=dict.fromkeys(CRITERIA, 4),
        feedback="private words",
    )  # fmt: skip
    agent_api.force_authenticate(subject)

    mine = agent_api.get("/api/rubric-scores/").json()
    hr = hr_api.get("/api/rubric-scores/")

    assert [s["feedback"] for s in mine["results"]] == ["private words"]
    assert hr.status_code == 403
    agent_api.force_authenticate(
        started.enrollments.exclude(agent__in=[scorer, subject]).first().agent
    )
    assert agent_api.get("/api/rubric-scores/").json()["results"] == []


def test_a_coach_records_a_qa_score_and_agents_cannot(coach_api, agent_api, started):
    subject = started.enrollments.first().agent
    body = {
        "rubric": started.program.rubric.pk,
        "subject": subject.pk,
        "context": "qa",
        "values": dict.fromkeys(CRITERIA, 5),
        "interaction_ref": "ZD-1042",
    }

    by_coach = coach_api.post("/api/rubric-scores/", body, format="json")
    by_agent = agent_api.post("/api/rubric-scores/", body, format="json")

    assert by_coach.status_code == 201
    assert by_coach.json()["percent"] == "100.00"
    assert by_agent.status_code == 403


def test_the_percentage_cannot_be_typed_in(coach_api, started):
    response = coach_api.post(
        "/api/rubric-scores/",
        {
            "rubric": started.program.rubric.pk,
            "subject": started.enrollments.first().agent.pk,
            "context": "qa",
            "values": dict.fromkeys(CRITERIA, 1),
            "percent": "99",
        },
        format="json",
    )

    assert response.json()["percent"] == "20.00"


def test_weights_shape_the_percentage(started):
    from programs.services import rubric_new_version, rubric_publish

    rubric = rubric_new_version(rubric=started.program.rubric)
    rubric.criteria.filter(key="tone").update(weight=3)
    rubric = rubric_publish(rubric=rubric)
    values = dict.fromkeys(CRITERIA, 2) | {"tone": 5}

    score = services.rubric_score_create(
        rubric=rubric, scorer=CoachFactory(), subject=started.enrollments.first().agent,
        context="qa", values=values,
    )  # fmt: skip

    # (3 * 5/5 + 4 * 2/5) / 7 = 0.6571...
    assert str(score.percent) == "65.71"


def test_in_a_trio_a_member_reads_only_the_feedback_they_gave_or_received(agent_api, cohort):
    enrol(cohort, 7)
    _start(cohort)
    trio = next(p for p in cohort.coaching_pairs.filter(week=1) if p.members.count() == 3)
    first, second, third = [m.enrollment.agent for m in trio.members.order_by("pk")]
    between_others = services.peer_score_create(
        pair=trio, scorer=second, subject=third, values=dict.fromkeys(CRITERIA, 2),
        feedback="A private note for the third member.",
    )  # fmt: skip
    to_first = services.peer_score_create(
        pair=trio, scorer=second, subject=first, values=dict.fromkeys(CRITERIA, 4)
    )
    agent_api.force_authenticate(first)

    on_the_pair = agent_api.get(f"/api/coaching-pairs/{trio.pk}/scores/").json()
    listed = agent_api.get("/api/rubric-scores/").json()["results"]

    assert [score["id"] for score in on_the_pair] == [to_first.pk]
    assert between_others.pk not in {score["id"] for score in listed}
    assert agent_api.get(f"/api/rubric-scores/{between_others.pk}/").status_code == 404


def test_a_manager_scores_only_the_agents_of_their_cohorts(manager_api, started):
    from tests.factories import AgentFactory

    body = {
        "rubric": started.program.rubric.pk,
        "context": "qa",
        "values": dict.fromkeys(CRITERIA, 4),
    }
    own = started.enrollments.first().agent

    outside = manager_api.post(
        "/api/rubric-scores/", {**body, "subject": AgentFactory().pk}, format="json"
    )
    started.facilitators.add(manager_api.user)
    inside = manager_api.post("/api/rubric-scores/", {**body, "subject": own.pk}, format="json")

    assert outside.status_code == 400
    assert "subject" in outside.json()
    assert inside.status_code == 201, inside.json()


def test_a_coach_scores_agents_and_nobody_else(coach_api, started):
    from tests.factories import HRFactory, ManagerFactory

    body = {
        "rubric": started.program.rubric.pk,
        "context": "qa",
        "values": dict.fromkeys(CRITERIA, 4),
    }

    for person in (ManagerFactory(), HRFactory()):
        response = coach_api.post(
            "/api/rubric-scores/", {**body, "subject": person.pk}, format="json"
        )
        assert response.status_code == 400
        assert "subject" in response.json()


def test_a_partner_is_scored_once_a_week_and_never_by_themselves(agent_api, started):
    pair = started.coaching_pairs.filter(week=1).first()
    scorer, subject = [m.enrollment.agent for m in pair.members.all()][:2]
    agent_api.force_authenticate(scorer)
    url = f"/api/coaching-pairs/{pair.pk}/scores/"

    first = agent_api.post(
        url, {"subject": subject.pk, "values": dict.fromkeys(CRITERIA, 3)}, format="json"
    )
    again = agent_api.post(
        url, {"subject": subject.pk, "values": dict.fromkeys(CRITERIA, 5)}, format="json"
    )
    myself = agent_api.post(
        url, {"subject": scorer.pk, "values": dict.fromkeys(CRITERIA, 5)}, format="json"
    )

    assert first.status_code == 201
    assert again.status_code == 400
    assert "already" in again.json()["subject"][0]
    assert myself.status_code == 400
    assert "partner" in myself.json()["subject"][0]
    assert RubricScore.objects.filter(coaching_pair=pair).count() == 1


@pytest.mark.parametrize("agents", [6, 30])
def test_drawing_the_pairs_again_takes_the_same_queries_for_any_cohort_size(
    cohort, django_assert_num_queries, agents
):
    from django.db import connection

    enrol(cohort, agents)
    _start(cohort)

    # savepoint, coaching weeks, the scores' unlinking, members' and pairs' deletes, kept
    # members, active agents, control windows, then on PostgreSQL the pairs' ids and two
    # COPYs (elsewhere one bulk insert of pairs, one of members), savepoint release
    with django_assert_num_queries(12 if connection.vendor == "postgresql" else 11):
        drawn = services.coaching_pairs_generate(cohort=cohort, now=BEFORE_START)

    assert drawn == 5
    assert CoachingPair.objects.filter(cohort=cohort).count() == 5 * (agents // 2)
