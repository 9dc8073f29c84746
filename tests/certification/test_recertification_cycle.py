"""The whole recertification cycle through the reminders, the public verify page, the
Open Badges JSON and the certification queue: certified, reminded, expired, recertified."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts import reminders
from accounts.models import Outbox
from certification.models import BadgeAssertion, DecisionStatus
from tests.certification.conftest import NOW, meet_the_gate, score

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
EXPIRES = NOW + 365 * DAY


def _certify(enrollment, scenario, assessor, when, capture):
    with capture(execute=True):  # the evaluation, then the award, once each commits
        meet_the_gate(enrollment, scenario, assessor, when=when)
    return BadgeAssertion.objects.get(decision__decided_at=when)


def _verify(client, badge):
    return client.get(reverse("badges:verify", args=[badge.uuid])).content.decode()


def _queue_decisions(client, cohort):
    html = client.get(reverse("web:cohort-certification", args=[cohort.pk])).content.decode()
    start = html.index('id="decisions"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def badge(enrollment, scenario, assessor, django_capture_on_commit_callbacks):
    return _certify(enrollment, scenario, assessor, NOW, django_capture_on_commit_callbacks)


def test_certified_reminded_expired_recertified(
    client, badge, enrollment, scenario, assessor, django_capture_on_commit_callbacks
):
    day = EXPIRES - 100 * DAY
    while day < EXPIRES + 5 * DAY:
        reminders.reminders_sweep(now=day, enqueue=False)
        day += DAY
    slots = Outbox.objects.filter(kind="badge_expiring", object_id=badge.pk)
    assert sorted(slots.values_list("slot", flat=True)) == ["30d", "7d", "90d"]

    later = EXPIRES + 5 * DAY
    with time_machine.travel(later, tick=False):
        assert badge.decision.status_at(later) == DecisionStatus.EXPIRED
        assert "Expired on" in _verify(client, badge)
        renewed = _certify(
            enrollment, scenario, assessor, later, django_capture_on_commit_callbacks
        )
        old_page, new_page = _verify(client, badge), _verify(client, renewed)
        old_json = client.get(reverse("badges:assertion", args=[badge.uuid]))

    assert renewed.decision.previous == badge.decision
    assert renewed.expires_on == later + 365 * DAY
    badge.refresh_from_db()
    assert badge.revoked is False
    assert "Expired on" in old_page
    assert reverse("badges:verify", args=[renewed.uuid]) in old_page
    assert "Genuine and valid" in new_page
    assert reverse("badges:verify", args=[badge.uuid]) in new_page
    assert old_json.status_code == 200
    assert old_json.json()["expires"] == EXPIRES.isoformat().replace("+00:00", "Z")


def test_the_verify_page_says_a_badge_expires_soon(client, badge):
    with time_machine.travel(EXPIRES - 30 * DAY, tick=False):
        html = _verify(client, badge)

    assert "Genuine and valid" in html
    assert '<span class="badge-warn">Expires soon</span>' in html
    assert "the holder can recertify now" in html


def test_the_verify_page_of_a_badge_far_from_expiry_says_nothing_of_it(client, badge):
    html = _verify(client, badge)

    assert "Genuine and valid" in html
    assert "Expires soon" not in html


def test_the_queue_shows_a_certification_expiring_soon_and_the_way_to_recertify(
    client, badge, cohort, facilitator
):
    with time_machine.travel(EXPIRES - 30 * DAY, tick=False):
        client.force_login(facilitator)  # a session of a year ago would have expired
        decisions = _queue_decisions(client, cohort)

    assert '<span class="badge-warn">Expires soon</span>: recertification is open' in decisions


def test_the_queue_shows_an_expired_certification_and_the_recertifying_agent(
    client, badge, cohort, facilitator, enrollment
):
    later = EXPIRES + 5 * DAY
    for value in (85, 85, 85):
        score(enrollment, value, when=later)
    with time_machine.travel(later, tick=False):
        client.force_login(facilitator)
        html = client.get(reverse("web:cohort-certification", args=[cohort.pk])).content.decode()

    decisions = html[html.index('id="decisions"') :]
    assert '<span class="badge-warn">Expired</span> on 29 Feb 2028: to recertify' in decisions
    ready = html[html.index('id="ready"') : html.index('id="booked"')]
    assert str(enrollment.agent) in ready
    assert "(recertifying: certification expired on 29 Feb 2028)" in ready


def test_a_certified_agent_outside_the_window_is_not_in_the_queue_lists(
    client, badge, cohort, facilitator, enrollment
):
    client.force_login(facilitator)

    html = client.get(reverse("web:cohort-certification", args=[cohort.pk])).content.decode()

    ready = html[html.index('id="ready"') : html.index('id="booked"')]
    assert str(enrollment.agent) not in ready
