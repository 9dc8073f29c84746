"""Operators see and republish task intents in the admin; nobody else sees them."""

import pytest

from jobs.models import TaskIntent
from tests.factories import ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/jobs/taskintent/"


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_a_superuser_sees_intents_with_the_count_in_each_state(client, superuser):
    TaskIntent.objects.create(task="attune.ping", state="pending")
    TaskIntent.objects.create(task="attune.ping", state="dead", last_error="unknown task")
    client.force_login(superuser)

    page = client.get(ADMIN)

    assert page.status_code == 200
    assert b"1 pending, 0 published, 0 done, 1 dead" in page.content


def test_a_staff_manager_is_refused(client):
    manager = ManagerFactory(is_staff=True)
    client.force_login(manager)

    assert client.get(ADMIN).status_code == 403


def test_a_given_up_intent_is_published_again_from_the_admin(client, superuser):
    dead = TaskIntent.objects.create(task="attune.ping", state="dead", publish_count=10)
    client.force_login(superuser)

    response = client.post(
        ADMIN, {"action": "publish_now", "_selected_action": [dead.pk]}, follow=True
    )

    dead.refresh_from_db()
    assert response.status_code == 200
    assert (dead.state, dead.publish_count) == ("done", 1)  # the task ran in process
    assert b"1 published; 0 not" in response.content
