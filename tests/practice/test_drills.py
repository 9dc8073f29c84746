"""Written drills: an agent answers a card and gets the findings at once; coaches of the
agent's cohort read them and mark findings; HR never reads them; precision per rule."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from practice import selectors, services
from practice.models import DrillAnswer, DrillFinding, FindingMark
from programs.models import Program
from tests.factories import (
    AgentFactory,
    CoachFactory,
    HRFactory,
    ManagerFactory,
    ProgramFactory,
    ScenarioCardFactory,
)
from tests.practice.conftest import STRONG_ANSWER, WEAK_ANSWER

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- services -----------------------------------------------------------------------------


def test_an_answer_is_saved_with_the_analyzers_findings_in_order(agent, card):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    rows = list(answer.findings.values_list("order", "rule", "verdict"))
    assert rows[0] == (1, "validation", "partly")
    assert ("weak_phrase", "flagged") in [(r, v) for _, r, v in rows]
    assert ("blame", "flagged") in [(r, v) for _, r, v in rows]
    assert [o for o, _, _ in rows] == list(range(1, len(rows) + 1))
    assert answer.analyzer_version == "rules-1"


def test_only_agents_answer_drills(coach, card):
    with pytest.raises(ValidationError):
        services.drill_answer_submit(agent=coach, card=card, text=STRONG_ANSWER)


def test_a_blank_answer_is_refused_and_nothing_is_saved(agent, card):
    with pytest.raises(ValidationError) as error:
        services.drill_answer_submit(agent=agent, card=card, text="   ")
    assert "text" in error.value.message_dict
    assert not DrillAnswer.objects.exists()


def test_marking_again_changes_the_coachs_mark(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    finding = answer.findings.get(rule="blame")
    services.finding_mark(finding=finding, coach=coach, correct=True)
    services.finding_mark(finding=finding, coach=coach, correct=False)
    assert list(FindingMark.objects.values_list("correct", flat=True)) == [False]


def test_a_coach_outside_the_cohort_may_not_mark(agent, card):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    with pytest.raises(ValidationError):
        services.finding_mark(finding=answer.findings.first(), coach=CoachFactory(), correct=True)


def test_precision_counts_right_marks_over_all_marks_per_rule(agent, card, coach, facilitator):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    blame = answer.findings.get(rule="blame")
    weak = answer.findings.filter(rule="weak_phrase").first()
    services.finding_mark(finding=blame, coach=coach, correct=True)
    services.finding_mark(finding=blame, coach=facilitator, correct=False)
    services.finding_mark(finding=weak, coach=coach, correct=True)

    with CaptureQueriesContext(connection) as queries:
        rows = {row.rule: row for row in selectors.rule_precision()}
    assert len(queries) == 2  # findings made per rule; marks per rule

    assert (rows["blame"].right, rows["blame"].wrong, rows["blame"].precision) == (1, 1, 0.5)
    assert rows["blame"].marked == 1
    assert rows["weak_phrase"].precision == 1.0
    assert rows["closure"].precision is None
    assert rows["closure"].findings == 1


# --- who sees what ----------------------------------------------------------------------------


def test_answers_are_visible_to_their_agent_the_cohorts_coaches_and_facilitators_only(
    agent, card, coach, facilitator
):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    for user in (agent, coach, facilitator):
        assert list(selectors.drill_answer_visible_to(user=user)) == [answer]
    for user in (AgentFactory(), CoachFactory(), ManagerFactory(), HRFactory()):
        assert not selectors.drill_answer_visible_to(user=user).exists()


def test_agents_see_the_cards_of_published_programs_only(card):
    draft = ScenarioCardFactory(program=ProgramFactory(status=Program.Status.DRAFT))
    visible = selectors.drill_cards_visible_to(user=AgentFactory())
    assert card in visible
    assert draft not in visible


# --- API --------------------------------------------------------------------------------------


def test_an_agent_posts_an_answer_and_gets_the_findings_in_the_response(agent, card):
    response = _api(agent).post(
        "/api/drill-answers/", {"card": card.pk, "text": STRONG_ANSWER}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    verdicts = {f["rule"]: f["verdict"] for f in body["findings"]}
    assert verdicts["closure"] == "met"
    assert verdicts["open_question"] == "met"
    assert body["agent"] == agent.pk


def test_a_card_of_a_draft_program_reads_as_not_existing(agent):
    draft = ScenarioCardFactory(program=ProgramFactory(status=Program.Status.DRAFT))
    response = _api(agent).post(
        "/api/drill-answers/", {"card": draft.pk, "text": STRONG_ANSWER}, format="json"
    )
    assert response.status_code == 400
    assert "card" in response.json()


def test_an_over_long_answer_is_a_400_naming_the_text(agent, card):
    response = _api(agent).post(
        "/api/drill-answers/", {"card": card.pk, "text": "x" * 4001}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_coaches_may_not_answer_drills_through_the_api(coach, card):
    response = _api(coach).post(
        "/api/drill-answers/", {"card": card.pk, "text": STRONG_ANSWER}, format="json"
    )
    assert response.status_code == 403


def test_hr_gets_403_on_drill_answers(agent, card):
    services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    assert _api(HRFactory()).get("/api/drill-answers/").status_code == 403
    assert _api(HRFactory()).get("/api/drill-precision/").status_code == 403


def test_another_agents_answer_is_a_404(agent, card):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    assert _api(AgentFactory()).get(f"/api/drill-answers/{answer.pk}/").status_code == 404


def test_the_answer_list_takes_a_fixed_number_of_queries(agent, card, coach):
    for _ in range(3):
        services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    client = _api(coach)
    client.get("/api/drill-answers/")  # warm the session and the content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/drill-answers/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    # count, the page, its findings, the coach's marks on them
    assert len(queries) == 4, [q["sql"] for q in queries.captured_queries]


def test_a_coach_marks_a_finding_through_the_api(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    finding = answer.findings.get(rule="blame")
    response = _api(coach).post(
        f"/api/drill-findings/{finding.pk}/mark/", {"correct": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["my_mark"] is False
    listed = _api(coach).get(f"/api/drill-answers/{answer.pk}/").json()
    assert {f["id"]: f["my_mark"] for f in listed["findings"]}[finding.pk] is False


def test_marking_needs_a_boolean(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    finding = answer.findings.first()
    response = _api(coach).post(
        f"/api/drill-findings/{finding.pk}/mark/", {"correct": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "correct" in response.json()


def test_agents_may_not_mark_findings_and_outsiders_get_404(agent, card):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    finding = answer.findings.first()
    url = f"/api/drill-findings/{finding.pk}/mark/"
    assert _api(agent).post(url, {"correct": True}, format="json").status_code == 403
    assert _api(CoachFactory()).post(url, {"correct": True}, format="json").status_code == 404


def test_the_precision_report_through_the_api(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    services.finding_mark(finding=answer.findings.get(rule="blame"), coach=coach, correct=True)
    rows = {row["rule"]: row for row in _api(coach).get("/api/drill-precision/").json()}
    assert rows["blame"]["precision"] == 1.0
    assert rows["intensity"]["precision"] is None


# --- pages ------------------------------------------------------------------------------------


def test_an_agent_answers_a_card_on_the_page_and_reads_the_feedback(agent, card):
    client = _page(agent)
    assert card.title in client.get("/practice/").content.decode()
    response = client.post(f"/practice/drills/{card.pk}/", {"text": WEAK_ANSWER})
    answer = DrillAnswer.objects.get()
    assert response.status_code == 302
    assert response.url == f"/practice/answers/{answer.pk}/"
    page = client.get(response.url).content.decode()
    assert "Sorry for any inconvenience" in page
    assert "A stock apology" in page
    assert "Right" not in page  # an agent does not mark their own feedback


def test_an_empty_answer_on_the_page_shows_the_error(agent, card):
    response = _page(agent).post(f"/practice/drills/{card.pk}/", {"text": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not DrillAnswer.objects.exists()


def test_a_coach_marks_a_finding_on_the_page(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    finding = answer.findings.get(rule="blame")
    client = _page(coach)
    assert "/practice/answers/" in client.get("/practice/").content.decode()
    response = client.post(f"/practice/findings/{finding.pk}/mark/", {"correct": "yes"})
    assert response.status_code == 302
    assert response.url == f"/practice/answers/{answer.pk}/#finding-{finding.pk}"
    assert FindingMark.objects.get().correct is True
    assert "You marked it right" in client.get(f"/practice/answers/{answer.pk}/").content.decode()


def test_the_pages_refuse_hr_and_other_agents(agent, card):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    hr = _page(HRFactory())
    assert hr.get("/practice/").status_code == 403
    assert hr.get(f"/practice/answers/{answer.pk}/").status_code == 403
    assert _page(AgentFactory()).get(f"/practice/answers/{answer.pk}/").status_code == 404
    assert _page(agent).get("/practice/precision/").status_code == 403
    finding = DrillFinding.objects.first()
    assert (
        _page(CoachFactory()).post(f"/practice/findings/{finding.pk}/mark/", {"correct": "yes"})
    ).status_code == 404


def test_a_coach_cannot_open_the_answer_form(coach, card):
    assert _page(coach).get(f"/practice/drills/{card.pk}/").status_code == 403


def test_the_precision_page_shows_each_rule(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    services.finding_mark(finding=answer.findings.get(rule="blame"), coach=coach, correct=True)
    page = _page(coach).get("/practice/precision/").content.decode()
    assert "Blame or defensive language" in page
    assert "100%" in page
    assert "not marked yet" in page


# --- deleting an answer -------------------------------------------------------------------


def test_an_agent_deletes_their_answer_through_the_api_with_its_findings_and_marks(
    agent, card, coach
):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    services.finding_mark(finding=answer.findings.first(), coach=coach, correct=True)
    kept = services.drill_answer_submit(agent=agent, card=card, text=STRONG_ANSWER)

    response = _api(agent).delete(f"/api/drill-answers/{answer.pk}/")

    assert response.status_code == 204
    assert list(DrillAnswer.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not DrillFinding.objects.filter(answer_id=answer.pk).exists()
    assert not FindingMark.objects.exists()
    assert _api(agent).get(f"/api/drill-answers/{answer.pk}/").status_code == 404


def test_only_the_agent_deletes_their_answer_through_the_api(agent, card, coach, facilitator):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    url = f"/api/drill-answers/{answer.pk}/"

    # Those who may read it are refused; anyone else is told there is no such answer.
    assert _api(coach).delete(url).status_code == 403
    assert _api(facilitator).delete(url).status_code == 403
    assert _api(HRFactory()).delete(url).status_code == 403
    assert _api(AgentFactory()).delete(url).status_code == 404
    assert DrillAnswer.objects.filter(pk=answer.pk).exists()


def test_an_agent_deletes_their_answer_on_the_page_after_confirming(agent, card):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    client = _page(agent)
    feedback = client.get(f"/practice/answers/{answer.pk}/").content.decode()
    assert f'href="/practice/answers/{answer.pk}/delete/"' in feedback

    confirm = client.get(f"/practice/answers/{answer.pk}/delete/")
    assert DrillAnswer.objects.filter(pk=answer.pk).exists()  # asking deletes nothing
    assert "Delete your answer to “Refund denied outside the window”?" in confirm.content.decode()
    response = client.post(f"/practice/answers/{answer.pk}/delete/", follow=True)

    assert not DrillAnswer.objects.filter(pk=answer.pk).exists()
    assert "is deleted" in response.content.decode()


def test_the_delete_page_refuses_everyone_but_the_answers_agent(agent, card, coach):
    answer = services.drill_answer_submit(agent=agent, card=card, text=WEAK_ANSWER)
    url = f"/practice/answers/{answer.pk}/delete/"

    feedback = _page(coach).get(f"/practice/answers/{answer.pk}/").content.decode()
    assert "Delete this answer" not in feedback
    assert _page(coach).post(url).status_code == 403
    assert _page(HRFactory()).post(url).status_code == 403
    assert _page(AgentFactory()).post(url).status_code == 404
    assert _page(AgentFactory()).get(url).status_code == 404
    assert DrillAnswer.objects.filter(pk=answer.pk).exists()
