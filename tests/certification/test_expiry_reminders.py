"""Badge-expiry notices 90, 30 and 7 days before, at 09:00 on the agent's own calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts import reminders
from accounts.models import Notification, Outbox
from certification import services
from tests.certification.conftest import meet_the_gate

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
UTC = datetime.UTC
BERLIN = ZoneInfo("Europe/Berlin")
# Certified a year before 8 November 2027, 10:00 UTC: the badge expires a week after
# Berlin leaves summer time (31 October 2027).
DECIDED = datetime.datetime(2026, 11, 8, 10, tzinfo=UTC)
EXPIRES = datetime.datetime(2027, 11, 8, 10, tzinfo=UTC)


def _certify(enrollment, scenario, assessor, when):
    meet_the_gate(enrollment, scenario, assessor, when=when)
    decision = services.certification_evaluate(enrollment=enrollment, now=when)
    return services.badge_award(decision=decision)


@pytest.fixture
def badge(enrollment, scenario, assessor):
    enrollment.agent.time_zone = "Europe/Berlin"
    enrollment.agent.save(update_fields=["time_zone"])
    badge = _certify(enrollment, scenario, assessor, DECIDED)
    assert badge.expires_on == EXPIRES
    return badge


def _sweep_daily(start, end, hour=6):
    """The sweep as beat runs it, here once a day at `hour` UTC from `start` to `end`."""
    day = start.replace(hour=hour)
    while day <= end:
        reminders.reminders_sweep(now=day, enqueue=False)
        day += DAY


def _notices():
    return {
        row.slot: row.deliver_after
        for row in Outbox.objects.filter(kind="badge_expiring").order_by("deliver_after")
    }


def test_each_notice_comes_at_9_in_berlin_on_either_side_of_the_dst_change(badge):
    _sweep_daily(EXPIRES - 100 * DAY, EXPIRES)

    assert _notices() == {
        "90d": datetime.datetime(2027, 8, 10, 7, tzinfo=UTC),  # 09:00 CEST
        "30d": datetime.datetime(2027, 10, 9, 7, tzinfo=UTC),  # 09:00 CEST
        "7d": datetime.datetime(2027, 11, 1, 8, tzinfo=UTC),  # 09:00 CET, after the change
    }
    assert {moment.astimezone(BERLIN).hour for moment in _notices().values()} == {9}


def test_a_rerun_of_the_sweep_sends_nothing_twice(badge):
    _sweep_daily(EXPIRES - 100 * DAY, EXPIRES, hour=6)
    _sweep_daily(EXPIRES - 100 * DAY, EXPIRES, hour=18)
    rows = list(Outbox.objects.filter(kind="badge_expiring"))

    for row in rows:
        reminders.outbox_deliver(outbox_id=row.pk, now=row.deliver_after)
        reminders.outbox_deliver(outbox_id=row.pk, now=row.deliver_after + DAY)

    assert len(rows) == 3
    assert len(mail.outbox) - 1 == 3  # the congratulation, then one e-mail per notice
    assert Notification.objects.filter(kind="badge_expiring").count() == 3


def test_a_sweep_late_in_the_evening_holds_the_notice_for_the_morning(badge):
    nine_pm_berlin = datetime.datetime(2027, 10, 9, 19, tzinfo=UTC)  # the 30-day notice's day

    reminders.reminders_sweep(now=nine_pm_berlin, enqueue=False)

    assert _notices() == {"30d": datetime.datetime(2027, 10, 10, 6, tzinfo=UTC)}  # 08:00 CEST


def test_after_an_outage_only_the_latest_notice_is_sent(badge):
    reminders.reminders_sweep(now=EXPIRES - 5 * DAY, enqueue=False)

    assert set(_notices()) == {"7d"}


def test_the_notice_says_how_to_recertify(badge):
    _sweep_daily(EXPIRES - 8 * DAY, EXPIRES - 6 * DAY)
    row = Outbox.objects.get(kind="badge_expiring", slot="7d")
    mail.outbox.clear()

    reminders.outbox_deliver(outbox_id=row.pk, now=row.deliver_after)

    (message,) = mail.outbox
    assert (
        message.subject
        == f'Your badge "{badge.badge_class.name}" expires in 7 days: time to recertify'
    )
    assert "8 November 2027" in message.body
    assert "new live role-play" in message.body
    assert "/plan/" in message.body
    notification = Notification.objects.get(outbox=row)
    assert notification.body.startswith(f'Your badge "{badge.badge_class.name}" expires on')
    assert "To recertify" in notification.body
    assert notification.url.endswith("/plan/")


def test_a_revoked_badge_gets_no_notice(badge, assessor):
    services.certification_revoke(decision=badge.decision, by=assessor, reason="Copied answers")

    _sweep_daily(EXPIRES - 100 * DAY, EXPIRES)

    assert _notices() == {}


def test_a_recertified_badge_gets_no_more_notices(badge, enrollment, scenario, assessor):
    _sweep_daily(EXPIRES - 91 * DAY, EXPIRES - 89 * DAY)
    assert set(_notices()) == {"90d"}
    renewed_on = EXPIRES - 60 * DAY
    renewal = _certify(enrollment, scenario, assessor, renewed_on).decision
    assert renewal.previous == badge.decision

    _sweep_daily(renewed_on, EXPIRES)

    assert set(_notices()) == {"90d"}
