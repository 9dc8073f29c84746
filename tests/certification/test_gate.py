import datetime

import pytest
import time_machine
from django.core import mail

from certification import services
from certification.models import BadgeAssertion, CertificationDecision
from tests.certification.conftest import NOW, score

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _pass_role_play(enrollment, scenario, assessor, when=NOW):
    booked = services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=when
    )
    return services.role_play_assess(
        assessment=booked, by=assessor, values={"overall": 80}, passed=True, now=when
    )


def test_an_average_of_exactly_70_percent_is_enough(enrollment, scenario, assessor):
    gate = services.gate_for(program=enrollment.program)
    gate.counted_contexts = ["qa"]
    gate.save()
    for value in (70, 69, 71):
        score(enrollment, value)
    _pass_role_play(enrollment, scenario, assessor)

    decision = services.certification_evaluate(enrollment=enrollment, now=NOW)

    assert decision is not None
    assert decision.evidence["average_percent"] == "70.00"


def test_just_under_the_threshold_is_not_enough(enrollment, scenario, assessor):
    gate = services.gate_for(program=enrollment.program)
    gate.counted_contexts = ["qa"]
    gate.save()
    for value in (70, 69, 70):
        score(enrollment, value)
    _pass_role_play(enrollment, scenario, assessor)

    status = services.certification_status(enrollment=enrollment, now=NOW)

    assert services.certification_evaluate(enrollment=enrollment, now=NOW) is None
    assert status.criteria[0].detail.startswith("rubric 69.67% over your last 3")
    assert status.criteria[0].met is False
    assert str(status.average) == "69.67"


def test_fewer_scores_than_the_gate_counts_are_not_enough(enrollment):
    score(enrollment, 95)
    score(enrollment, 95)

    status = services.certification_status(enrollment=enrollment, now=NOW)

    assert not status.criteria[0].met
    assert status.criteria[0].detail.startswith("2 of 3 assessed interactions")


def test_only_the_most_recent_scores_count(enrollment):
    score(enrollment, 10, when=NOW - 10 * DAY)
    for value in (80, 80, 80):
        score(enrollment, value, when=NOW - DAY)

    status = services.certification_status(enrollment=enrollment, now=NOW)

    assert status.criteria[0].met
    assert status.average == 80


def test_peer_practice_scores_do_not_count(enrollment):
    for _ in range(3):
        score(enrollment, 99, context="peer")

    status = services.certification_status(enrollment=enrollment, now=NOW)

    assert status.scores == []


def test_the_status_names_what_is_missing(enrollment):
    for value in (74, 74, 74):
        score(enrollment, value)

    status = services.certification_status(enrollment=enrollment, now=NOW)

    assert [c.detail for c in status.criteria] == [
        "rubric 74% over your last 3 assessed interactions (needs 70%) - met",
        "live role-play - not yet booked",
    ]


def test_a_failed_role_play_then_a_pass_after_the_cooldown(enrollment, scenario, assessor):
    for value in (80, 80, 80):
        score(enrollment, value)
    first = services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=NOW
    )
    services.role_play_assess(
        assessment=first, by=assessor, values={"overall": 65}, passed=False, now=NOW
    )

    with pytest.raises(services.ValidationError) as too_soon:
        services.role_play_book(
            enrollment=enrollment, scenario=scenario, assessor=assessor, now=NOW + 6 * DAY
        )
    assert "next attempt is possible from 2027-03-08" in str(too_soon.value)
    assert services.certification_evaluate(enrollment=enrollment, now=NOW) is None

    _pass_role_play(enrollment, scenario, assessor, when=NOW + 7 * DAY)

    assert services.certification_evaluate(enrollment=enrollment, now=NOW + 7 * DAY)


def test_the_attempt_limit_holds(enrollment, scenario, assessor):
    gate = services.gate_for(program=enrollment.program)
    gate.attempt_limit, gate.cooldown_days = 2, 0
    gate.save()
    for attempt in range(2):
        booked = services.role_play_book(
            enrollment=enrollment, scenario=scenario, assessor=assessor, now=NOW + attempt * DAY
        )
        services.role_play_assess(
            assessment=booked, by=assessor, values={"overall": 30}, passed=False,
            now=NOW + attempt * DAY,
        )  # fmt: skip

    with pytest.raises(services.ValidationError, match="All 2 role-play attempts"):
        services.role_play_book(
            enrollment=enrollment, scenario=scenario, assessor=assessor, now=NOW + 5 * DAY
        )


def test_re_evaluating_never_makes_a_second_decision(
    enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    for value in (90, 90, 90):
        score(enrollment, value)

    with django_capture_on_commit_callbacks(execute=True):
        _pass_role_play(enrollment, scenario, assessor)
    first = CertificationDecision.objects.get()
    again = services.certification_evaluate(enrollment=enrollment)

    assert again == first
    assert CertificationDecision.objects.count() == 1
    assert BadgeAssertion.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_passing_role_play_certifies_and_awards_after_commit(
    enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    for value in (90, 90):
        score(enrollment, value)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _pass_role_play(enrollment, scenario, assessor)

    assert len(callbacks) >= 1
    assertion = BadgeAssertion.objects.get()
    assert assertion.recipient == enrollment.agent
    assert mail.outbox[0].to == [enrollment.agent.email]
    assert str(assertion.uuid) in mail.outbox[0].body


def test_a_required_module_must_be_completed(enrollment, scenario, assessor, program):
    gate = services.gate_for(program=program)
    gate.required_modules.set(program.modules.all())
    for value in (90, 90, 90):
        score(enrollment, value)
    _pass_role_play(enrollment, scenario, assessor)

    status = services.certification_status(enrollment=enrollment, now=NOW)

    assert status.criteria[-1].detail == "0 of 1 required modules completed"
    assert not status.eligible


def test_badges_expire_and_recertification_issues_a_new_assertion(
    enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    for value in (90, 90):
        score(enrollment, value)
    with django_capture_on_commit_callbacks(execute=True):
        _pass_role_play(enrollment, scenario, assessor)
    old = BadgeAssertion.objects.get()
    assert old.expires_on == NOW + 365 * DAY

    later = NOW + 400 * DAY
    with time_machine.travel(later, tick=False):
        assert services.certification_status(enrollment=enrollment).decision is None
        for value in (85, 85, 85):
            score(enrollment, value, when=later)
        with django_capture_on_commit_callbacks(execute=True):
            # The role-play that certified last time does not count again: a new one.
            _pass_role_play(enrollment, scenario, assessor, when=later)

    assert BadgeAssertion.objects.count() == 2
    old.refresh_from_db()
    assert old.expires_on == NOW + 365 * DAY
    new = BadgeAssertion.objects.exclude(pk=old.pk).get()
    assert new.issued_on == later
    assert new.decision.previous == old.decision


def test_withdrawn_agents_are_not_certified(enrollment, scenario, assessor):
    from cohorts.services import enrollment_withdraw

    for value in (90, 90):
        score(enrollment, value)
    _pass_role_play(enrollment, scenario, assessor)
    enrollment_withdraw(enrollment=enrollment)

    assert services.certification_evaluate(enrollment=enrollment) is None


def test_calibration_scores_never_count_even_if_a_gate_names_them(enrollment):
    gate = services.gate_for(program=enrollment.program)
    gate.counted_contexts = ["qa", "calibration"]
    gate.save()  # bypassing validation, as a direct database edit would
    for _ in range(3):
        score(enrollment, 99, context="calibration")

    assert services.certification_status(enrollment=enrollment, now=NOW).scores == []


def test_a_gate_cannot_be_set_to_count_calibration(program):
    from django.core.exceptions import ValidationError

    gate = services.gate_for(program=program)
    gate.counted_contexts = ["calibration"]

    with pytest.raises(ValidationError, match="counted_contexts"):
        gate.full_clean()
