import datetime

import pytest
import time_machine

from certification import services
from certification.models import CertificationDecision, RolePlayAssessment
from cohorts.models import CoachingPair, CoachingPairMember
from tests.certification.conftest import meet_the_gate, score
from tests.factories import AgentFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def _book(client, enrollment, scenario, **extra):
    return client.post(
        "/api/certification/assessments/",
        {"enrollment": enrollment.pk, "scenario": scenario.pk, **extra},
        format="json",
    )


def test_agent_sees_where_they_stand(agent_api, enrollment):
    for value in (74, 74, 74):
        score(enrollment, value)
    agent_api.force_authenticate(enrollment.agent)

    body = agent_api.get("/api/certification/status/").json()["programs"][0]

    assert body["certified"] is False
    assert body["missing"] == ["live role-play - not yet booked"]
    assert body["criteria"][0] == {
        "key": "rubric",
        "met": True,
        "detail": "rubric 74% over your last 3 assessed interactions (needs 70%) - met",
    }


def test_an_assessor_books_and_records_a_role_play(coach_api, enrollment, scenario):
    booked = _book(coach_api, enrollment, scenario)
    assessed = coach_api.post(
        f"/api/certification/assessments/{booked.json()['id']}/assess/",
        {"values": {"overall": 82}, "passed": True, "notes": "Calm under the curveball."},
        format="json",
    )

    assert booked.status_code == 201
    assert assessed.status_code == 200, assessed.json()
    assert assessed.json()["status"] == "passed"
    assert assessed.json()["percent"] == "82.00"


def test_scores_outside_the_scale_are_a_400_naming_the_criterion(coach_api, enrollment, scenario):
    response = _book(coach_api, enrollment, scenario, values={"overall": 101}, passed=True)

    assert response.status_code == 400
    assert "“overall” must be between 1 and 100" in response.json()["values"][0]
    assert not RolePlayAssessment.objects.exclude(status="booked").exists()


def test_nobody_assesses_themselves(agent_api, enrollment, scenario):
    agent_api.force_authenticate(enrollment.agent)

    response = _book(agent_api, enrollment, scenario)

    assert response.status_code == 403


def test_a_coaching_partner_cannot_assess(agent_api, enrollment, scenario, cohort):
    partner = EnrollmentFactory(cohort=cohort)
    starts = datetime.datetime(2027, 1, 1, 10, tzinfo=datetime.UTC)
    week_end = datetime.datetime(2027, 1, 8, tzinfo=datetime.UTC)
    pair = CoachingPair.objects.create(
        cohort=cohort, week=1, item=cohort.schedule_items.create(
            kind="coaching", coaching_week=1, title="w1", starts_at=starts,
            ends_at=week_end, due_at=week_end,
        ),
    )  # fmt: skip
    for member in (enrollment, partner):
        CoachingPairMember.objects.create(pair=pair, enrollment=member, cohort=cohort, week=1)
    # The partner is certified, so only the partnership stands in the way.
    CertificationDecision.objects.create(
        enrollment=partner, agent=partner.agent, program=cohort.program, evidence={},
        evidence_hash="x", decided_at="2027-01-01T00:00Z",
    )  # fmt: skip
    agent_api.force_authenticate(partner.agent)

    response = _book(agent_api, enrollment, scenario)

    assert response.status_code == 400
    assert "coaching partner" in response.json()["assessor"][0]


def test_an_uncertified_agent_is_not_an_assessor(agent_api, enrollment, scenario):
    response = _book(agent_api, enrollment, scenario)

    assert response.status_code == 400
    assert "not a certified assessor" in response.json()["assessor"][0]


def test_an_assessment_for_a_withdrawn_agent_is_refused(coach_api, enrollment, scenario):
    from cohorts.services import enrollment_withdraw

    enrollment_withdraw(enrollment=enrollment)

    response = _book(coach_api, enrollment, scenario)

    assert response.status_code == 400
    assert "withdrawn" in response.json()["enrollment"][0]


def test_an_assessment_for_an_unknown_enrolment_is_a_400(coach_api, scenario):
    response = coach_api.post(
        "/api/certification/assessments/",
        {"enrollment": 987654, "scenario": scenario.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "enrollment" in response.json()


@pytest.mark.parametrize("threshold", ["-1", "100.01", "250"])
def test_a_gate_threshold_outside_0_100_is_a_400(manager_api, program, threshold):
    response = manager_api.post(
        "/api/certification/gates/",
        {"program": program.pk, "threshold_percent": threshold},
        format="json",
    )

    assert response.status_code == 400
    assert "threshold_percent" in response.json()


def test_a_gate_counts_only_known_non_peer_contexts(manager_api, program):
    response = manager_api.post(
        "/api/certification/gates/",
        {"program": program.pk, "counted_contexts": ["peer"]},
        format="json",
    )

    assert response.status_code == 400
    assert "counted_contexts" in response.json()


def _certify(enrollment, scenario, assessor, capture):
    for value in (90, 90):
        score(enrollment, value)
    booked = services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)
    with capture(execute=True):
        services.role_play_assess(
            assessment=booked, by=assessor, values={"overall": 90}, passed=True
        )
    return CertificationDecision.objects.get()


def test_revoking_needs_a_reason(
    manager_api, facilitator, enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    decision = _certify(enrollment, scenario, assessor, django_capture_on_commit_callbacks)
    manager_api.force_authenticate(facilitator)

    without = manager_api.post(f"/api/certification/decisions/{decision.pk}/revoke/", {})
    with_reason = manager_api.post(
        f"/api/certification/decisions/{decision.pk}/revoke/", {"reason": "Scores were misfiled"}
    )

    assert without.status_code == 400
    assert "reason" in without.json()
    assert with_reason.status_code == 200
    assert with_reason.json()["revocation_reason"] == "Scores were misfiled"
    assert with_reason.json()["badge"]["revoked"] is True


def test_agents_cannot_revoke_and_see_only_their_own(
    agent_api, hr_api, enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    decision = _certify(enrollment, scenario, assessor, django_capture_on_commit_callbacks)
    agent_api.force_authenticate(enrollment.agent)

    assert (
        agent_api.post(
            f"/api/certification/decisions/{decision.pk}/revoke/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert agent_api.get("/api/certification/decisions/").json()["count"] == 1
    agent_api.force_authenticate(AgentFactory())
    assert agent_api.get("/api/certification/decisions/").json()["count"] == 0
    assert hr_api.get("/api/certification/decisions/").status_code == 403
    assert hr_api.get("/api/certification/assessments/").status_code == 403


def test_manager_evaluates_and_hears_what_is_missing(manager_api, facilitator, enrollment):
    manager_api.force_authenticate(facilitator)

    response = manager_api.post(
        "/api/certification/decisions/evaluate/", {"enrollment": enrollment.pk}, format="json"
    )

    assert response.json()["certified"] is False
    assert "0 of 3 assessed interactions" in response.json()["missing"][0]


def test_a_role_play_booked_in_year_9999_is_a_400(enrollment, scenario, assessor):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(assessor)

    response = client.post(
        "/api/certification/assessments/",
        {"enrollment": enrollment.pk, "scenario": scenario.pk,
         "scheduled_at": "9999-12-31T23:00:00Z"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.json()) == ["scheduled_at"]


def test_only_managers_read_the_gate_of_a_draft_program(agent_api, coach_api, manager_api):
    from certification.services import gate_for
    from tests.factories import ProgramFactory

    draft_gate = gate_for(program=ProgramFactory(status="draft"))

    for client in (agent_api, coach_api):
        assert client.get(f"/api/certification/gates/{draft_gate.pk}/").status_code == 404
        listed = client.get("/api/certification/gates/").json()["results"]
        assert draft_gate.pk not in {gate["id"] for gate in listed}
    assert manager_api.get(f"/api/certification/gates/{draft_gate.pk}/").status_code == 200


def _renew(enrollment, scenario, assessor, when):
    meet_the_gate(enrollment, scenario, assessor, when=when)
    return services.certification_evaluate(enrollment=enrollment, now=when)


def test_decisions_say_whether_valid_expired_or_revoked_and_what_they_renew(
    manager_api, facilitator, enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    old = _certify(enrollment, scenario, assessor, django_capture_on_commit_callbacks)
    later = old.expires_at + datetime.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        renewal = _renew(enrollment, scenario, assessor, later)
        manager_api.force_authenticate(facilitator)

        rows = {
            d["id"]: d for d in manager_api.get("/api/certification/decisions/").json()["results"]
        }

    assert rows[old.pk]["status"] == "expired"
    assert rows[old.pk]["revoked_at"] is None
    assert rows[old.pk]["renewed_by"] == renewal.pk
    assert rows[renewal.pk]["status"] == "valid"
    assert rows[renewal.pk]["previous"] == old.pk
    assert rows[renewal.pk]["expires_at"].startswith(
        str((later + datetime.timedelta(days=365)).date())
    )


@pytest.mark.parametrize(("status", "expected"), [("valid", 0), ("expired", 1), ("revoked", 0)])
def test_decisions_filter_by_status(
    agent_api, enrollment, scenario, assessor, django_capture_on_commit_callbacks, status, expected
):
    decision = _certify(enrollment, scenario, assessor, django_capture_on_commit_callbacks)
    agent_api.force_authenticate(enrollment.agent)

    with time_machine.travel(decision.expires_at, tick=False):
        body = agent_api.get("/api/certification/decisions/", {"status": status}).json()

    assert body["count"] == expected


def test_an_unknown_status_filter_is_a_400(agent_api, enrollment):
    agent_api.force_authenticate(enrollment.agent)

    response = agent_api.get("/api/certification/decisions/", {"status": "lapsed"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_my_status_names_the_expired_certification_to_renew(
    agent_api, enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    decision = _certify(enrollment, scenario, assessor, django_capture_on_commit_callbacks)
    agent_api.force_authenticate(enrollment.agent)

    with time_machine.travel(decision.expires_at + datetime.timedelta(days=1), tick=False):
        body = agent_api.get("/api/certification/status/").json()["programs"][0]

    assert body["certified"] is False
    assert body["expired_certification"]["id"] == decision.pk
    assert body["expired_certification"]["status"] == "expired"
    assert body["evidence_since"] is not None
