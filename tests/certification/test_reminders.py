import datetime

import pytest

from accounts import reminders
from accounts.models import Outbox
from certification import services
from certification.reminders import ELIGIBILITY_LOOKBACK, resolve
from cohorts.models import Cohort
from tests.certification.conftest import NOW, score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def running(cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.RUNNING)


def test_an_agent_who_reached_the_bar_is_told_to_book_the_role_play_once(enrollment):
    for value in (80, 80):
        score(enrollment, value)
    reminders.reminders_sweep(now=NOW, enqueue=False)
    assert not Outbox.objects.filter(kind="role_play_eligible").exists()

    score(enrollment, 80)
    reminders.reminders_sweep(now=NOW, enqueue=False)
    reminders.reminders_sweep(now=NOW + datetime.timedelta(days=1), enqueue=False)

    row = Outbox.objects.get(kind="role_play_eligible")
    assert (row.recipient, row.slot) == (enrollment.agent, "eligible")


def test_no_eligibility_reminder_once_a_role_play_is_booked(enrollment, scenario, assessor):
    for value in (80, 80, 80):
        score(enrollment, value)
    services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)

    reminders.reminders_sweep(now=NOW, enqueue=False)

    assert not Outbox.objects.filter(kind="role_play_eligible").exists()


def test_a_badge_reminder_30_days_before_it_expires(enrollment, scenario, assessor):
    for value in (90, 90):
        score(enrollment, value)
    booked = services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)
    services.role_play_assess(assessment=booked, by=assessor, values={"overall": 90}, passed=True)
    badge = services.badge_award(decision=services.certification_evaluate(enrollment=enrollment))

    reminders.reminders_sweep(now=badge.expires_on - datetime.timedelta(days=33), enqueue=False)
    assert not Outbox.objects.filter(kind="badge_expiring", slot="30d").exists()
    reminders.reminders_sweep(now=badge.expires_on - datetime.timedelta(days=29), enqueue=False)

    row = Outbox.objects.get(kind="badge_expiring", slot="30d")
    assert row.object_id == badge.pk
    assert row.context["verify_url"].endswith(f"/badges/assertions/{badge.uuid}/verify")


def test_older_scores_still_count_once_a_new_assessment_arrives(enrollment, frozen_time):
    frozen_time.move_to(NOW - datetime.timedelta(days=30))
    for value in (80, 80):
        score(enrollment, value, when=NOW - datetime.timedelta(days=30))
    frozen_time.move_to(NOW)

    score(enrollment, 80)
    reminders.reminders_sweep(now=NOW, enqueue=False)

    assert Outbox.objects.filter(kind="role_play_eligible", recipient=enrollment.agent).exists()


def test_agents_not_assessed_lately_are_not_read_by_the_sweep(enrollment, frozen_time):
    # Eligibility follows new scores: an agent whose last assessment is older than the
    # lookback was looked at by the sweeps of that week, and is not read again.
    frozen_time.move_to(NOW - ELIGIBILITY_LOOKBACK - datetime.timedelta(hours=1))
    for value in (80, 80, 80):
        score(enrollment, value)
    frozen_time.move_to(NOW)

    assert resolve(now=NOW, kinds={"role_play_eligible"}) == []
    assert len(resolve(now=NOW - datetime.timedelta(days=1), kinds={"role_play_eligible"})) == 1
