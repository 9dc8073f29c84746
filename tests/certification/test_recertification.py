import datetime

import pytest
import time_machine

from certification import services
from certification.models import CertificationDecision, DecisionStatus
from tests.certification.conftest import NOW, meet_the_gate, pass_role_play, score

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
EXPIRES = NOW + 365 * DAY


@pytest.fixture
def certified(enrollment, scenario, assessor):
    meet_the_gate(enrollment, scenario, assessor)
    decision = services.certification_evaluate(enrollment=enrollment, now=NOW)
    assert decision.expires_at == EXPIRES
    return decision


def test_a_certification_past_its_expiry_reads_expired_not_revoked(certified):
    after = EXPIRES + DAY

    assert certified.status_at(EXPIRES - DAY) == DecisionStatus.VALID
    assert certified.status_at(after) == DecisionStatus.EXPIRED
    assert certified.revoked_at is None
    assert list(CertificationDecision.objects.with_status("expired", after)) == [certified]
    assert not CertificationDecision.objects.with_status("valid", after).exists()
    assert not CertificationDecision.objects.with_status("revoked", after).exists()


def test_the_status_names_the_expired_certification(certified, enrollment):
    status = services.certification_status(enrollment=enrollment, now=EXPIRES + DAY)

    assert status.decision is None
    assert status.expired_decision == certified
    assert status.expires_at is None


def test_the_status_says_when_a_valid_certification_expires_and_whether_soon(certified, enrollment):
    early = services.certification_status(enrollment=enrollment, now=NOW + 10 * DAY)
    late = services.certification_status(enrollment=enrollment, now=EXPIRES - 30 * DAY)

    assert (early.expires_at, early.expiring_soon, early.renews) == (EXPIRES, False, None)
    assert (late.expires_at, late.expiring_soon, late.renews) == (EXPIRES, True, certified)
    assert late.expired_decision is None


def test_the_old_evidence_does_not_recertify_an_expired_agent(certified, enrollment):
    later = EXPIRES + 10 * DAY

    assert services.certification_evaluate(enrollment=enrollment, now=later) is None
    assert CertificationDecision.objects.count() == 1


def test_new_scores_alone_do_not_recertify_without_a_new_role_play(certified, enrollment):
    later = EXPIRES + 10 * DAY
    for value in (85, 85, 85):
        score(enrollment, value, when=later)

    assert services.certification_evaluate(enrollment=enrollment, now=later) is None
    criteria = services.certification_status(enrollment=enrollment, now=later).criteria
    assert [c.key for c in criteria if not c.met] == ["role_play"]


def test_meeting_the_gate_again_after_expiry_renews_with_a_fresh_expiry(
    certified, enrollment, scenario, assessor
):
    later = EXPIRES + 10 * DAY
    with time_machine.travel(later, tick=False):
        meet_the_gate(enrollment, scenario, assessor, when=later)
        renewal = services.certification_evaluate(enrollment=enrollment, now=later)

    assert renewal.previous == certified
    assert renewal.expires_at == later + 365 * DAY
    assert renewal.evidence["renews"] == certified.pk
    certified.refresh_from_db()
    assert certified.revoked_at is None
    assert certified.status_at(later) == DecisionStatus.EXPIRED


def test_recertifying_within_the_last_90_days_renews_the_valid_certification(
    certified, enrollment, scenario, assessor
):
    window = EXPIRES - 60 * DAY
    with time_machine.travel(window, tick=False):
        meet_the_gate(enrollment, scenario, assessor, when=window)
        renewal = services.certification_evaluate(enrollment=enrollment, now=window)

    assert renewal.previous == certified
    assert renewal.expires_at == window + 365 * DAY
    assert certified.status_at(window) == DecisionStatus.VALID  # history, not revoked


def test_before_the_window_new_evidence_changes_nothing(certified, enrollment):
    early = EXPIRES - 100 * DAY
    for value in (85, 85, 85):
        score(enrollment, value, when=early)

    assert services.certification_evaluate(enrollment=enrollment, now=early) == certified
    assert CertificationDecision.objects.count() == 1


def test_scores_from_before_the_window_do_not_count_for_the_renewal(
    certified, enrollment, scenario, assessor
):
    before_window = EXPIRES - 100 * DAY
    for value in (85, 85):
        score(enrollment, value, when=before_window)
    later = EXPIRES + DAY
    pass_role_play(enrollment, scenario, assessor, when=later)

    assert services.certification_evaluate(enrollment=enrollment, now=later) is None
    status = services.certification_status(enrollment=enrollment, now=later)
    assert [s.context for s in status.scores] == ["role_play"]  # only the new role-play's
    assert status.evidence_since == EXPIRES - 90 * DAY


def test_a_certification_is_renewed_once_however_often_the_evaluation_runs(
    certified, enrollment, scenario, assessor
):
    later = EXPIRES + DAY
    meet_the_gate(enrollment, scenario, assessor, when=later)

    first = services.certification_evaluate(enrollment=enrollment, now=later)
    again = services.certification_evaluate(enrollment=enrollment, now=later + DAY)

    assert first == again
    assert CertificationDecision.objects.filter(previous=certified).count() == 1


def test_the_attempts_of_the_first_certification_do_not_block_the_renewal(
    certified, enrollment, scenario, assessor
):
    gate = services.gate_for(program=enrollment.program)
    gate.attempt_limit = 1
    gate.save()

    errors = services.role_play_booking_errors(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=EXPIRES + DAY
    )

    assert errors == {}


def test_a_revoked_certification_is_not_renewed(certified, enrollment, scenario, assessor):
    services.certification_revoke(decision=certified, by=assessor, reason="Copied answers")
    status = services.certification_status(enrollment=enrollment, now=EXPIRES + DAY)

    assert status.renews is None
    assert status.expired_decision is None
