"""Debriefs: an agent asks their coaching partner or a teammate; only the two of them see
the request; what was said is never recorded."""

import datetime
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Outbox, ReminderKind
from accounts.reminders import outbox_deliver
from cohorts.models import CoachingPairMember
from tests.clients import api_as
from tests.factories import AgentFactory, HRFactory, ManagerFactory, TeamFactory
from wellbeing import debriefs
from wellbeing.models import DebriefRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(coaching_cohort):
    """(an agent, their coaching partner this week)."""
    member = CoachingPairMember.objects.filter(cohort=coaching_cohort, week=1).first()
    other = CoachingPairMember.objects.filter(pair=member.pair).exclude(pk=member.pk).first()
    return member.enrollment.agent, other.enrollment.agent


def test_the_coaching_partner_is_suggested_and_teammates_may_be_asked(pair):
    agent, partner = pair
    same_team = AgentFactory(team=agent.team)
    elsewhere = AgentFactory(team=TeamFactory(name="Elsewhere"))

    assert list(debriefs.coaching_partners(user=agent)) == [partner]
    reachable = set(debriefs.teammates(user=agent))
    assert {partner, same_team} <= reachable
    assert elsewhere not in reachable
    assert agent not in reachable


def _on_today_at(hour: int) -> datetime.datetime:
    """Today (the cohort fixture is built around today) at `hour`:00 UTC."""
    return datetime.datetime.combine(timezone.now().date(), datetime.time(hour), tzinfo=UTC)


def test_asking_tells_the_teammate_in_the_app_and_by_e_mail(pair, mailoutbox):
    agent, partner = pair

    # 10:00 in the teammate's time zone: outside quiet hours, so it is due at once.
    with time_machine.travel(_on_today_at(10), tick=False):
        response = api_as(agent).post("/api/wellbeing/debriefs/", {"teammate": partner.pk})
        row = Outbox.objects.get(kind=ReminderKind.DEBRIEF_REQUEST)
        delivered = outbox_deliver(outbox_id=row.pk)

    assert response.status_code == 201, response.data
    assert row.recipient == partner
    assert delivered
    note = Notification.objects.get(user=partner)
    assert agent.get_short_name() in note.title
    assert note.url.endswith(reverse("web:debriefs"))
    assert len(mailoutbox) == 1


def test_asking_in_the_teammates_night_tells_them_in_their_morning(pair, mailoutbox):
    agent, partner = pair
    partner.time_zone = "Europe/Paris"
    partner.save(update_fields=["time_zone"])

    # 21:30 UTC is 22:30 in Paris: quiet hours, so the message waits for 08:00 there.
    night = _on_today_at(21) + datetime.timedelta(minutes=30)
    with time_machine.travel(night, tick=False):
        response = api_as(agent).post("/api/wellbeing/debriefs/", {"teammate": partner.pk})
        row = Outbox.objects.get(kind=ReminderKind.DEBRIEF_REQUEST)
        assert not outbox_deliver(outbox_id=row.pk)

    assert response.status_code == 201
    morning = row.deliver_after.astimezone(ZoneInfo("Europe/Paris"))
    assert (morning.hour, morning.minute) == (8, 0)
    assert morning.date() == night.date() + datetime.timedelta(days=1)
    assert outbox_deliver(outbox_id=row.pk, now=row.deliver_after)
    assert len(mailoutbox) == 1


def test_someone_outside_the_team_and_the_pair_cannot_be_asked(pair):
    agent, _ = pair
    stranger = AgentFactory(team=TeamFactory(name="Elsewhere"))

    response = api_as(agent).post("/api/wellbeing/debriefs/", {"teammate": stranger.pk})

    assert response.status_code == 400
    assert "teammate" in response.data
    assert not DebriefRequest.objects.exists()


def test_the_same_teammate_is_asked_at_most_once_a_day(pair):
    agent, partner = pair
    client = api_as(agent)
    assert client.post("/api/wellbeing/debriefs/", {"teammate": partner.pk}).status_code == 201

    again = client.post("/api/wellbeing/debriefs/", {"teammate": partner.pk})

    assert again.status_code == 400
    assert "last 24 hours" in str(again.data["teammate"])


def test_the_teammate_accepts_either_marks_it_held_and_nothing_else_moves(pair):
    agent, partner = pair
    debrief = debriefs.debrief_request(requester=agent, teammate=partner)
    url = f"/api/wellbeing/debriefs/{debrief.pk}/move/"

    assert api_as(agent).post(url, {"action": "accept"}).status_code == 403
    assert api_as(partner).post(url, {"action": "accept"}).data["status"] == "accepted"
    held = api_as(agent).post(url, {"action": "held"})
    assert held.data["status"] == "held"
    assert held.data["held_at"] is not None
    assert api_as(agent).post(url, {"action": "cancel"}).status_code == 400
    assert api_as(partner).post(url, {"action": "shout"}).status_code == 400


@pytest.mark.parametrize("factory", [AgentFactory, ManagerFactory, HRFactory])
def test_nobody_but_the_two_of_them_reads_a_debrief(pair, factory):
    agent, partner = pair
    debrief = debriefs.debrief_request(requester=agent, teammate=partner)
    client = api_as(factory())

    assert client.get("/api/wellbeing/debriefs/").data["results"] == []
    assert client.get(f"/api/wellbeing/debriefs/{debrief.pk}/").status_code == 404
    moved = client.post(f"/api/wellbeing/debriefs/{debrief.pk}/move/", {"action": "held"})
    assert moved.status_code == 404


def test_coaches_managers_and_hr_do_not_ask_for_debriefs(pair):
    _, partner = pair

    response = api_as(ManagerFactory()).post("/api/wellbeing/debriefs/", {"teammate": partner.pk})

    assert response.status_code in (400, 403)
    assert not DebriefRequest.objects.exists()


def test_on_the_pages_an_agent_asks_and_the_partner_accepts(client, pair):
    agent, partner = pair
    client.force_login(agent)
    page = client.get(reverse("web:debriefs")).content.decode()
    assert "(your coaching partner)" in page

    assert client.post(reverse("web:debriefs"), {"teammate": partner.pk}).status_code == 302
    debrief = DebriefRequest.objects.get()
    client.force_login(partner)
    assert "Asked of me" in client.get(reverse("web:debriefs")).content.decode()
    client.post(reverse("web:debrief-move", args=[debrief.pk, "accept"]))

    debrief.refresh_from_db()
    assert debrief.status == DebriefRequest.Status.ACCEPTED
    client.force_login(AgentFactory())
    outsider = client.post(reverse("web:debrief-move", args=[debrief.pk, "held"]))
    assert outsider.status_code == 404
