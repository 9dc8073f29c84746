"""The award task through a real Celery worker and broker (PostgreSQL + Redis in CI).

Without REDIS_URL the same test runs the tasks in process (the embedded default)."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from certification import services
from certification.models import BadgeAssertion
from certification.tasks import badge_award_task
from config.celery_app import app
from tests.certification.conftest import NOW, score

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_duplicate_award_messages_give_one_badge_and_one_email(enrollment, scenario, assessor):
    for value in (90, 90):
        score(enrollment, value)
    booked = services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=NOW
    )
    services.role_play_assess(
        assessment=booked, by=assessor, values={"overall": 90}, passed=True, now=NOW
    )
    decision = services.certification_evaluate(enrollment=enrollment, now=NOW)
    mail.outbox.clear()
    BadgeAssertion.objects.all().delete()  # forget the award the commit hook may have made

    if not settings.REDIS_URL:
        first = badge_award_task.delay(decision.pk).get()
        second = badge_award_task.delay(decision.pk).get()
    else:
        app.conf.task_always_eager = False
        try:
            with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
                # The same message delivered twice, as a broker may after a lost ack.
                results = [
                    badge_award_task.apply_async((decision.pk,), ignore_result=False)
                    for _ in range(2)
                ]
                first, second = (result.get(timeout=30) for result in results)
        finally:
            app.conf.task_always_eager = True

    assert first == second == str(BadgeAssertion.objects.get().uuid)
    assert len(mail.outbox) == 1
