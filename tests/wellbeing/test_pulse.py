"""The monthly pulse: CBI scoring, optional answers, the agent's own trend, invitations in
the agent's morning, and HR's indicators with every cell of 5 or more respondents."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import Outbox, ReminderKind, ReminderOptOut
from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory, TeamFactory
from wellbeing import pulse
from wellbeing.models import PulseResponse
from wellbeing.reminders import pulse_invitations_queue

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ALL_HIGH = {f"cbi_w{i}": 100 for i in range(1, 8)}  # w4 reversed: "always enough energy"


def test_the_cbi_score_is_the_mean_of_the_items_with_the_energy_item_reversed():
    burnout, support = pulse.scores(ALL_HIGH)

    assert burnout == round(600 / 7, 1)  # 85.7: six items at 100, the reversed one at 0
    assert support is None
    assert pulse.scores({**ALL_HIGH, "recovery": 25, "support": 75})[1] == 50.0


def test_an_agent_answers_through_the_api_and_reads_only_their_own_trend():
    agent = AgentFactory()
    client = api_as(agent)

    created = client.post(
        "/api/wellbeing/pulse/", {"answers": {**ALL_HIGH, "support": 25}}, format="json"
    )

    assert created.status_code == 201, created.data
    assert created.data["burnout_score"] == 85.7
    assert created.data["support_score"] == 25.0
    assert [r["id"] for r in client.get("/api/wellbeing/pulse/").data["results"]] == [
        created.data["id"]
    ]
    assert len(client.get("/api/wellbeing/pulse/items/").data) == 9


def test_answering_again_in_the_month_replaces_the_answers():
    agent = AgentFactory()
    pulse.pulse_submit(respondent=agent, answers=ALL_HIGH)
    pulse.pulse_submit(respondent=agent, answers={**ALL_HIGH, "cbi_w1": 0})

    assert PulseResponse.objects.get().answers["cbi_w1"] == 0


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"cbi_w1": 100, "cbi_w2": 75, "cbi_w3": 50}, "non_field_errors"),
        ({**ALL_HIGH, "cbi_w1": 60}, "cbi_w1"),
        ({**ALL_HIGH, "mood": 50}, "mood"),
    ],
    ids=["too-few-items", "off-the-scale", "unknown-item"],
)
def test_bad_answers_are_a_400_naming_the_item(answers, field):
    response = api_as(AgentFactory()).post(
        "/api/wellbeing/pulse/", {"answers": answers}, format="json"
    )

    assert response.status_code == 400
    assert field in response.data
    assert not PulseResponse.objects.exists()


def test_the_month_is_the_agents_own():
    agent = AgentFactory(time_zone="Asia/Tokyo")
    late_on_the_30th = datetime.datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 1 Dec in Tokyo

    response = pulse.pulse_submit(respondent=agent, answers=ALL_HIGH, now=late_on_the_30th)

    assert response.month == datetime.date(2026, 12, 1)


@pytest.mark.parametrize("factory", [ManagerFactory, HRFactory, CoachFactory, AgentFactory])
def test_nobody_else_reads_an_agents_answers(factory):
    pulse.pulse_submit(respondent=AgentFactory(), answers=ALL_HIGH)
    client = api_as(factory())

    assert client.get("/api/wellbeing/pulse/").data["results"] == []
    with pytest.raises(NoReverseMatch):
        reverse("admin:wellbeing_pulseresponse_changelist")


def test_only_agents_answer():
    response = api_as(ManagerFactory()).post(
        "/api/wellbeing/pulse/", {"answers": ALL_HIGH}, format="json"
    )

    assert response.status_code == 403


def _answers_in(team, count: int, score_item: int = 100):
    for _ in range(count):
        agent = AgentFactory(team=team)
        pulse.pulse_submit(respondent=agent, answers={**ALL_HIGH, "cbi_w1": score_item})


def test_hr_sees_teams_of_five_respondents_and_nothing_of_smaller_ones():
    billing, chat = TeamFactory(name="Billing"), TeamFactory(name="Chat")
    _answers_in(billing, 5)
    AgentFactory(team=billing)  # a sixth agent who did not answer
    _answers_in(chat, 4)

    rows = {r["team"]: r for r in api_as(HRFactory()).get("/api/wellbeing/pulse/indicators/").data}

    assert rows["Billing"]["respondents"] == 5
    assert rows["Billing"]["response_rate"] == round(100 * 5 / 6, 1)
    assert rows["Billing"]["burnout_score"] == 85.7
    assert rows["Chat"]["respondents"] is None
    assert rows["Chat"]["burnout_score"] is None
    assert rows["Chat"]["response_rate"] is None
    assert "fewer than 5" in rows["Chat"]["withheld"]


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory])
def test_agents_and_coaches_get_no_indicators(client, factory):
    user = factory()

    assert api_as(user).get("/api/wellbeing/pulse/indicators/").status_code == 403
    client.force_login(user)
    assert client.get(reverse("web:wellbeing-indicators")).status_code == 403


def test_the_indicators_page_withholds_small_teams(client):
    _answers_in(TeamFactory(name="Billing"), 5)
    _answers_in(TeamFactory(name="Chat"), 2)
    client.force_login(HRFactory())

    page = client.get(reverse("web:wellbeing-indicators")).content.decode()

    assert "85.7" in page
    assert "Withheld: fewer than 5 respondents" in page


# --- Invitations ---------------------------------------------------------------------------


def test_every_active_agent_is_invited_once_a_month_and_not_after_answering():
    agents = [AgentFactory() for _ in range(3)]
    AgentFactory(is_active=False)
    CoachFactory()
    HRFactory()
    pulse.pulse_submit(
        respondent=agents[0], answers=ALL_HIGH, now=datetime.datetime(2026, 12, 1, 9, tzinfo=UTC)
    )
    now = datetime.datetime(2026, 12, 1, 10, tzinfo=UTC)

    pulse_invitations_queue(now=now)
    pulse_invitations_queue(now=now + datetime.timedelta(hours=1))

    invited = Outbox.objects.filter(kind=ReminderKind.WELLBEING_PULSE)
    assert sorted(invited.values_list("recipient_id", flat=True)) == sorted(
        a.pk for a in agents[1:]
    )
    assert set(invited.values_list("slot", flat=True)) == {"2026-12"}


def test_an_agent_who_opted_out_is_not_invited():
    agent = AgentFactory()
    ReminderOptOut.objects.create(user=agent, kind=ReminderKind.WELLBEING_PULSE)

    pulse_invitations_queue(now=datetime.datetime(2026, 12, 1, 10, tzinfo=UTC))

    assert not Outbox.objects.exists()


def test_the_invitation_waits_for_the_agents_morning_across_the_dst_change():
    # New York leaves daylight saving time at 02:00 on 1 November 2026: the invitation
    # written at midnight UTC (20:00 EDT on 31 October, quiet hours) goes at 08:00 EST.
    agent = AgentFactory(time_zone="America/New_York")

    pulse_invitations_queue(now=datetime.datetime(2026, 11, 1, 0, 5, tzinfo=UTC))

    row = Outbox.objects.get(recipient=agent)
    assert row.deliver_after == datetime.datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
    assert row.slot == "2026-11"


def test_the_pulse_page_saves_answers_and_shows_the_trend(client):
    agent = AgentFactory()
    client.force_login(agent)

    response = client.post(reverse("web:pulse"), {k: str(v) for k, v in ALL_HIGH.items()})

    assert response.status_code == 302
    page = client.get(reverse("web:pulse")).content.decode()
    assert "My trend" in page
    assert "86" in page  # 85.7 rounded on the page
    too_few = client.post(reverse("web:pulse"), {"cbi_w1": "100"})
    assert too_few.status_code == 400


def test_a_manager_reads_indicators_of_their_own_agents_only():
    billing, chat = TeamFactory(name="Billing"), TeamFactory(name="Chat")
    _answers_in(billing, 5)
    _answers_in(chat, 5)
    manager = ManagerFactory()
    billing.managers.add(manager)

    rows = api_as(manager).get("/api/wellbeing/pulse/indicators/").data

    assert [(r["team"], r["respondents"]) for r in rows] == [("Billing", 5)]
    assert {
        r["team"] for r in api_as(HRFactory()).get("/api/wellbeing/pulse/indicators/").data
    } == {
        "Billing",
        "Chat",
    }
