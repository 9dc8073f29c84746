import datetime

import pytest
from icalendar import Calendar

from accounts.calendar import calendar_token_regenerate, feed_url
from cohorts import services
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _feed(client, user):
    response = client.get(feed_url(user).replace("https://attune.test", ""))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_an_agent_gets_a_private_feed_url_and_can_replace_it(agent_api):
    first = agent_api.post("/api/me/calendar/").json()["url"]
    second = agent_api.post("/api/me/calendar/").json()["url"]

    assert first.startswith("https://attune.test/calendar/")
    assert first != second
    assert agent_api.get(first.replace("https://attune.test", "")).status_code == 404
    assert agent_api.delete("/api/me/calendar/").json() == {"url": None}


def test_the_feed_lists_sessions_and_due_dates_in_the_persons_zone(client, started):
    agent = started.enrollments.first().agent
    agent.time_zone = "America/New_York"
    agent.save()
    calendar_token_regenerate(user=agent)

    calendar = _feed(client, agent)
    events = _events(calendar)

    workshop = events["Active listening"]
    start = workshop["DTSTART"].dt
    assert str(start.tzinfo) == "America/New_York"
    assert (start.hour, start.utcoffset()) == (10, datetime.timedelta(hours=-5))
    assert workshop["STATUS"] == "CONFIRMED"
    due = events["Due: Reflective listening"]["DTSTART"].dt
    assert due == datetime.date(2026, 11, 1)  # the last day of the first week
    assert calendar.walk("VTIMEZONE")  # the zone travels with the feed
    coaching = [name for name in events if name.startswith("Peer coaching")]
    assert len(coaching) == 5


def test_a_moved_session_keeps_its_uid_and_raises_its_sequence(client, started, facilitator):
    agent = started.enrollments.first().agent
    calendar_token_regenerate(user=agent)
    session = started.schedule_items.get(title="Active listening")
    before = _events(_feed(client, agent))["Active listening"]

    services.schedule_item_move(
        item=session, starts_at=session.starts_at + datetime.timedelta(hours=2)
    )
    after = _events(_feed(client, agent))["Active listening"]

    assert after["UID"] == before["UID"] == f"attune-scheduleitem-{session.pk}@attune"
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after["DTSTART"].dt - before["DTSTART"].dt == datetime.timedelta(hours=2)


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client, started):
    agent = started.enrollments.first().agent
    calendar_token_regenerate(user=agent)
    started.schedule_items.filter(title="Empathy basics").update(cancelled=True, sequence=1)

    event = _events(_feed(client, agent))["Empathy basics"]

    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_role_play_appointments_appear_for_agent_and_assessor(client, started):
    from certification.services import role_play_book
    from tests.factories import CoachFactory, ScenarioCardFactory

    enrollment = started.enrollments.first()
    coach = CoachFactory()
    role_play_book(
        enrollment=enrollment,
        scenario=ScenarioCardFactory(program=started.program),
        assessor=coach,
        scheduled_at=datetime.datetime(2027, 1, 15, 15, tzinfo=datetime.UTC),
    )
    for person in (enrollment.agent, coach):
        calendar_token_regenerate(user=person)

    for person in (enrollment.agent, coach):
        summaries = list(_events(_feed(client, person)))
        assert f"Certification role-play: {enrollment.agent}" in summaries


def test_an_outsider_sees_nothing_of_the_cohort(client, started):
    outsider = AgentFactory()
    calendar_token_regenerate(user=outsider)

    assert _events(_feed(client, outsider)) == {}
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_facilitator_sees_the_workshops_of_their_cohort(client, started, facilitator):
    calendar_token_regenerate(user=facilitator)

    events = _events(_feed(client, facilitator))

    assert {"Empathy basics", "Active listening"} <= set(events)


def test_the_database_keeps_no_feed_secret(client):
    agent = AgentFactory()
    secret = calendar_token_regenerate(user=agent)
    agent.refresh_from_db()

    stored = {agent.calendar_token, agent.calendar_salt}

    assert secret not in stored
    assert all(secret not in value for value in stored)
    assert client.get(f"/calendar/{secret}.ics").status_code == 200
    assert client.get(f"/calendar/{agent.calendar_token}.ics").status_code == 404


def test_a_feed_made_before_hashing_keeps_working_after_the_migration(client):
    import hashlib

    agent = AgentFactory()
    old_secret = "made-before-the-upgrade-0123456789abcdefghijk"
    # What the data migration leaves: the old secret's hash, and no salt.
    agent.calendar_token = hashlib.sha256(old_secret.encode()).hexdigest()
    agent.save()

    assert client.get(f"/calendar/{old_secret}.ics").status_code == 200
    assert feed_url(agent) is None  # it cannot be shown again; a new link can be made
