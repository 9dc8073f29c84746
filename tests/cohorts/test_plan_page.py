import datetime

import pytest
import time_machine

from accounts.calendar import feed_url
from cohorts.models import ModuleProgress

pytestmark = pytest.mark.django_db
WEEK_ONE = datetime.datetime(2026, 10, 27, 15, tzinfo=datetime.UTC)  # day 2 of `started`


def test_the_plan_shows_the_week_and_marks_prework_done(client, started):
    enrollment = started.enrollments.first()
    module = started.schedule_items.get(title="Reflective listening")
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()
        response = client.post(f"/plan/prework/{module.pk}/", follow=True)

    assert "Reflective listening" in page
    assert "Read Reflective listening" in page  # the pre-work content
    assert 'role="progressbar"' in page
    assert "Pre-work for “Reflective listening” is marked done." in response.content.decode()
    assert ModuleProgress.objects.get(enrollment=enrollment, item=module).prework_done_at


def test_an_agent_cannot_mark_prework_of_another_cohort(client, started):
    from tests.factories import AgentFactory

    module = started.schedule_items.get(title="Reflective listening")
    client.force_login(AgentFactory())

    assert client.post(f"/plan/prework/{module.pk}/").status_code == 404


def test_the_calendar_link_is_created_from_the_plan(client, started):
    agent = started.enrollments.first().agent
    client.force_login(agent)

    page = client.post("/plan/calendar/", follow=True).content.decode()

    agent.refresh_from_db()
    assert agent.calendar_token
    assert feed_url(agent) in page
