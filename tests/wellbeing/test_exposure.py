"""Exposure and recovery figures: days and weeks in the agent's own time zone across a DST
change, escalation streaks per account, and recovery gaps either side of 10 minutes."""

import datetime

import pytest

from insights.models import Intensity
from tests.factories import AgentFactory, InteractionFactory, TeamFactory
from wellbeing.exposure import account_streaks, agent_exposure, rotation_candidates

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def high(agent, when: str, **kwargs):
    return InteractionFactory(agent=agent, occurred_at=at(when), intensity=Intensity.HIGH, **kwargs)


def contact(agent, when: str, **kwargs):
    return InteractionFactory(agent=agent, occurred_at=at(when), intensity=Intensity.LOW, **kwargs)


def exposure_of(agent, start="2026-03-01T00:00", end="2026-04-30T00:00"):
    agents = type(agent).objects.filter(pk=agent.pk)
    (row,) = agent_exposure(agents=agents, start=at(start), end=at(end))
    return row


def test_days_and_weeks_are_the_agents_own_across_the_spring_dst_change():
    # Berlin moves to summer time on Sunday 29 March 2026 (02:00 -> 03:00).
    berlin = AgentFactory(time_zone="Europe/Berlin")
    high(berlin, "2026-03-28T23:30")  # 00:30 on Sunday in Berlin (CET), Saturday in UTC
    high(berlin, "2026-03-29T21:59")  # 23:59 on Sunday (CEST)
    high(berlin, "2026-03-29T22:30")  # 00:30 on Monday 30 March (CEST), Sunday in UTC

    row = exposure_of(berlin)

    assert row.high_by_day == {datetime.date(2026, 3, 29): 2, datetime.date(2026, 3, 30): 1}
    assert row.high_by_week == {"2026-W13": 2, "2026-W14": 1}
    assert (row.high_total, row.busiest_day) == (3, 2)


def test_the_same_contacts_fall_on_other_days_for_an_agent_in_utc():
    utc = AgentFactory(time_zone="UTC")
    for when in ("2026-03-28T23:30", "2026-03-29T21:59", "2026-03-29T22:30"):
        high(utc, when)

    assert exposure_of(utc).high_by_week == {"2026-W13": 3}


def test_a_gap_of_9_minutes_is_no_recovery_and_one_of_11_is():
    ana = AgentFactory()
    high(ana, "2026-03-10T10:00", handle_seconds=300)  # ends 10:05
    contact(ana, "2026-03-10T10:14")  # 9 minutes later
    high(ana, "2026-03-10T12:00")  # no handle time: ends when it starts
    contact(ana, "2026-03-10T12:11")  # 11 minutes later
    contact(ana, "2026-03-10T13:00")  # after a low-intensity contact: no gap counted

    row = exposure_of(ana)

    assert [gap for _, gap in row.gaps] == [
        datetime.timedelta(minutes=9),
        datetime.timedelta(minutes=11),
    ]
    assert row.no_recovery == 1
    assert row.median_gap_minutes == 10.0


def test_a_high_intensity_contact_right_after_another_counts_as_no_recovery():
    ana = AgentFactory()
    high(ana, "2026-03-10T10:00", handle_seconds=900)
    high(ana, "2026-03-10T10:10")  # overlaps the first (concurrent chats): a gap of 0
    bo = AgentFactory()
    contact(bo, "2026-03-10T10:11")  # someone else's contact is not ana's next

    row = exposure_of(ana)

    assert [gap for _, gap in row.gaps] == [datetime.timedelta(0)]
    assert row.no_recovery == 1


def test_a_streak_is_broken_by_another_agents_escalation():
    ana, bo = AgentFactory(), AgentFactory()
    for hour, agent in enumerate([ana, ana, ana, bo, ana, ana], start=8):
        InteractionFactory(
            agent=agent, account="ACME", escalated=True, occurred_at=at(f"2026-03-10T{hour:02}:00")
        )
    InteractionFactory(
        agent=bo, account="ACME", escalated=False, occurred_at=at("2026-03-10T15:00")
    )
    last = InteractionFactory(
        agent=bo, account="OTHER", escalated=True, occurred_at=at("2026-03-10T16:00")
    )

    streaks = account_streaks(accounts=["ACME", "OTHER"])

    acme = streaks["ACME"]
    assert (acme.agent_id, acme.length, acme.last_at) == (ana.pk, 2, at("2026-03-10T13:00"))
    assert (streaks["OTHER"].agent_id, streaks["OTHER"].start_id) == (bo.pk, last.pk)
    assert exposure_of(ana).longest_streak.length == 2
    assert exposure_of(bo).streaks == []  # a streak of one is no streak


def test_figures_take_a_fixed_number_of_queries(django_assert_num_queries):
    agents = [AgentFactory(time_zone=zone) for zone in ("UTC", "UTC", "Europe/Berlin")]
    for agent in agents:
        high(agent, "2026-03-10T10:00", account="ACME", escalated=True)
        contact(agent, "2026-03-10T10:30")
    everyone = type(agents[0]).objects.filter(pk__in=[agent.pk for agent in agents])

    # The agents, one per time zone among them (2), the gaps, the streaks.
    with django_assert_num_queries(5):
        rows = agent_exposure(
            agents=everyone, start=at("2026-03-01T00:00"), end=at("2026-04-01T00:00")
        )

    assert [row.high_total for row in rows] == [1, 1, 1]


def test_teammates_with_the_least_recent_exposure_to_the_account_come_first():
    team = TeamFactory()
    ana = AgentFactory(team=team)
    recent, long_ago, never, high_long_ago = (AgentFactory(team=team) for _ in range(4))
    AgentFactory()  # another team: never suggested
    InteractionFactory(agent=recent, account="ACME", occurred_at=at("2026-03-09T10:00"))
    InteractionFactory(agent=long_ago, account="ACME", occurred_at=at("2026-01-09T10:00"))
    high(never, "2026-03-09T10:00")
    high(high_long_ago, "2026-01-01T10:00")

    order = list(rotation_candidates(agent=ana, account="ACME"))

    assert order == [high_long_ago, never, long_ago, recent]
