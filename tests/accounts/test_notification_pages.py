"""The notifications page: anyone signed in reads their own, newest first, and marks them
read one at a time or all at once; nobody reaches anyone else's."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Notification
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def _notify(user, title, *, read=False, at=None):
    with time_machine.travel(at or timezone.now(), tick=False):
        return Notification.objects.create(
            user=user,
            kind="prework_due",
            title=title,
            read_at=timezone.now() if read else None,
        )


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, ManagerFactory, HRFactory])
def test_every_signed_in_role_has_the_page(client, factory):
    user = factory()
    _notify(user, "Hello")
    client.force_login(user)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert "Hello" in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_is_newest_first_and_marks_the_unread(client):
    agent = AgentFactory()
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    _notify(agent, "Oldest, read", read=True, at=start)
    _notify(agent, "Newest, unread", at=start + datetime.timedelta(hours=2))
    client.force_login(agent)

    page = client.get("/notifications/").content.decode()

    assert page.index("Newest, unread") < page.index("Oldest, read")
    assert page.count('<span class="badge-warn">Unread</span>') == 1
    assert "1 unread" in page


def test_only_my_own_notifications_are_listed(client):
    agent = AgentFactory()
    _notify(AgentFactory(), "Someone else's")
    client.force_login(agent)

    page = client.get("/notifications/").content.decode()

    assert "Someone else's" not in page
    assert "No notifications yet." in page


def test_the_list_is_paginated(client):
    agent = AgentFactory()
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    for n in range(25):
        _notify(agent, f"Reminder number {n:02d}", at=start + datetime.timedelta(minutes=n))
    client.force_login(agent)

    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()

    assert "Reminder number 24" in first
    assert "Reminder number 05" in first
    assert "Reminder number 04" not in first
    assert "Page 1 of 2" in first
    assert "Reminder number 04" in second
    assert "Reminder number 00" in second
    assert "Reminder number 05" not in second


def test_marking_one_read_keeps_the_others_unread_and_says_so(client):
    agent = AgentFactory()
    first = _notify(agent, "First")
    second = _notify(agent, "Second")
    client.force_login(agent)

    response = client.post(f"/notifications/{first.pk}/read/", {"page": "1"})
    page = client.get(response["Location"]).content.decode()

    first.refresh_from_db()
    second.refresh_from_db()
    assert response["Location"] == "/notifications/?page=1#notifications"
    assert first.read_at is not None
    assert second.read_at is None
    assert "“First” is marked read." in page


def test_marking_read_again_keeps_when_it_was_first_read(client):
    agent = AgentFactory()
    read_at = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    notification = Notification.objects.create(
        user=agent, kind="prework_due", title="Old", read_at=read_at
    )
    client.force_login(agent)

    client.post(f"/notifications/{notification.pk}/read/")

    notification.refresh_from_db()
    assert notification.read_at == read_at


def test_another_users_notification_answers_404_and_stays_unread(client):
    theirs = _notify(AgentFactory(), "Theirs")
    client.force_login(AgentFactory())

    response = client.post(f"/notifications/{theirs.pk}/read/")

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.read_at is None


def test_mark_all_read_marks_only_mine(client):
    agent = AgentFactory()
    for n in range(3):
        _notify(agent, f"Mine {n}")
    theirs = _notify(AgentFactory(), "Theirs")
    client.force_login(agent)

    response = client.post("/notifications/read-all/", follow=True)

    theirs.refresh_from_db()
    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()
    assert theirs.read_at is None
    assert "3 notifications marked read." in response.content.decode()


def test_marking_needs_a_post(client):
    agent = AgentFactory()
    notification = _notify(agent, "Mine")
    client.force_login(agent)

    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405


def test_the_menu_shows_the_unread_count_on_every_page(client):
    coach = CoachFactory()
    for n in range(2):
        _notify(coach, f"Review due {n}")
    _notify(coach, "Read one", read=True)
    client.force_login(coach)

    page = client.get("/account/tokens/").content.decode()

    assert '<span class="badge-warn">2<span class="visually-hidden"> unread</span></span>' in page


def test_times_are_shown_in_the_users_zone(client):
    agent = AgentFactory(time_zone="Asia/Tokyo")
    _notify(agent, "Late", at=datetime.datetime(2026, 11, 2, 20, tzinfo=datetime.UTC))
    client.force_login(agent)

    page = client.get("/notifications/").content.decode()

    assert "Tuesday 3 November, 05:00" in page  # 20:00 UTC is 05:00 next day in Tokyo
