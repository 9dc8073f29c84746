"""Exposure to high-intensity work and recovery after it, computed from the interactions
(never typed in). See docs/wellbeing-exposure.md.

- **High-intensity contacts** per agent and day, and per ISO week, in the agent's own time
  zone (a day is the agent's calendar day, so a DST change never moves a contact).
- **Streaks**: the escalations of one account, in time order; a streak is the run of them
  one agent handled in a row. Another agent's escalation of the account ends it.
- **Recovery gaps**: from the end of a high-intensity contact (its time plus its handle
  time, when known) to the agent's next contact. A gap under RECOVERY_MINUTES is no
  recovery.

Previous contacts are read with SQL window functions (`LAG` over each agent's or account's
contacts in time order), which SQLite (3.25+) and PostgreSQL both run.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, When, Window
from django.db.models.functions import ExtractIsoYear, ExtractWeek, Lag, TruncDate
from django.utils import timezone

from insights.models import Intensity, Interaction
from insights.reports import MIN_GROUP, SUPPRESSED

RECOVERY_MINUTES = 10
DEFAULT_WEEKS = 4


def rotation_streak() -> int:
    """How many escalations of one account in a row make a rotation advisory (setting
    ATTUNE_ROTATION_STREAK, 5 unless set)."""
    return getattr(settings, "ATTUNE_ROTATION_STREAK", 5)


def week_label(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def period(*, weeks: int = DEFAULT_WEEKS, now: datetime.datetime | None = None):
    """(start, end) of the last `weeks` weeks up to `now`."""
    end = now or timezone.now()
    return end - datetime.timedelta(weeks=weeks), end


# --- Streaks -------------------------------------------------------------------------------


@dataclass
class Streak:
    account: str
    agent_id: int
    length: int
    start_id: int  # the first escalation of the streak
    last_at: datetime.datetime


def account_streaks(*, accounts) -> dict[str, Streak]:
    """The current streak of each of `accounts` (a list or a values() subquery): who
    handled its latest escalations in a row, and how many. One query."""
    rows = (
        Interaction.objects.filter(account__in=accounts, escalated=True)
        .annotate(
            previous_agent=Window(
                Lag("agent_id"),
                partition_by=[F("account")],
                order_by=[F("occurred_at").asc(), F("id").asc()],
            )
        )
        .order_by("account", "occurred_at", "id")
        .values_list("account", "agent_id", "pk", "occurred_at", "previous_agent")
    )
    streaks: dict[str, Streak] = {}
    for account, agent_id, pk, occurred_at, previous_agent in rows:
        streak = streaks.get(account)
        if streak is None or previous_agent != agent_id:
            streaks[account] = Streak(account, agent_id, 1, pk, occurred_at)
        else:
            streak.length += 1
            streak.last_at = occurred_at
    return streaks


def rotation_candidates(*, agent, account: str) -> QuerySet:
    """The agent's teammates (same team, active agents) who could take the account's next
    escalation: least recent exposure to the account first, then least recent
    high-intensity contact (never comes first). Each is annotated with `last_with_account`
    and `last_high`."""
    User = get_user_model()
    if not agent.team_id:
        return User.objects.none()
    return (
        User.objects.filter(team_id=agent.team_id, role=User.Role.AGENT, is_active=True)
        .exclude(pk=agent.pk)
        .annotate(
            last_with_account=Max(
                "interactions__occurred_at", filter=Q(interactions__account=account)
            ),
            last_high=Max(
                "interactions__occurred_at", filter=Q(interactions__intensity=Intensity.HIGH)
            ),
        )
        .order_by(
            F("last_with_account").asc(nulls_first=True),
            F("last_high").asc(nulls_first=True),
            "display_name",
            "email",
        )
    )


# --- Per agent -----------------------------------------------------------------------------


@dataclass
class AgentExposure:
    agent: object
    contacts_by_day: dict[datetime.date, int] = field(default_factory=dict)
    high_by_day: dict[datetime.date, int] = field(default_factory=dict)
    gaps: list[tuple[datetime.date, datetime.timedelta]] = field(default_factory=list)
    streaks: list[Streak] = field(default_factory=list)

    @property
    def high_total(self) -> int:
        return sum(self.high_by_day.values())

    @property
    def high_by_week(self) -> dict[str, int]:
        weeks: dict[str, int] = defaultdict(int)
        for day, count in sorted(self.high_by_day.items()):
            weeks[week_label(day)] += count
        return dict(weeks)

    @property
    def busiest_day(self) -> int:
        return max(self.high_by_day.values(), default=0)

    @property
    def no_recovery(self) -> int:
        return sum(1 for _, gap in self.gaps if gap < datetime.timedelta(minutes=RECOVERY_MINUTES))

    @property
    def median_gap_minutes(self) -> float | None:
        if not self.gaps:
            return None
        return round(median(gap.total_seconds() for _, gap in self.gaps) / 60, 1)

    @property
    def longest_streak(self) -> Streak | None:
        return max(self.streaks, key=lambda streak: streak.length, default=None)

    def as_dict(self) -> dict:
        streak = self.longest_streak
        return {
            "agent": self.agent.pk,
            "email": self.agent.email,
            "name": self.agent.display_name or self.agent.email,
            "time_zone": self.agent.time_zone,
            "high_intensity": {
                "total": self.high_total,
                "busiest_day": self.busiest_day,
                "by_day": {day.isoformat(): n for day, n in sorted(self.high_by_day.items())},
                "by_week": self.high_by_week,
            },
            "streak": {"account": streak.account, "escalations": streak.length} if streak else None,
            "recovery": {
                "gaps": len(self.gaps),
                "under_10_minutes": self.no_recovery,
                "median_gap_minutes": self.median_gap_minutes,
            },
        }


def _local_days(agents_by_zone: dict[str, list[int]], start, end) -> list[tuple]:
    """(agent id, local day, contacts, high-intensity contacts): one query per time zone
    in use, the day taken in that zone."""
    rows = []
    for zone, agent_ids in agents_by_zone.items():
        rows += (
            Interaction.objects.filter(
                agent__in=agent_ids, occurred_at__gte=start, occurred_at__lt=end
            )
            .annotate(day=TruncDate("occurred_at", tzinfo=ZoneInfo(zone)))
            .values("agent_id", "day")
            .annotate(contacts=Count("pk"), high=Count("pk", filter=Q(intensity=Intensity.HIGH)))
            .order_by()
            .values_list("agent_id", "day", "contacts", "high")
        )
    return rows


def _recovery_gaps(agent_ids, start, end) -> list[tuple]:
    """(agent id, end of a high-intensity contact in [start, end), the next contact's
    time) of the agents `agent_ids` (ids, or a query of them): each contact annotated with
    the one before it; kept when that one was high."""
    previous = {
        "order_by": [F("occurred_at").asc(), F("id").asc()],
        "partition_by": [F("agent_id")],
    }
    # The next contact may come after `end`: a day's margin, never more than a shift.
    contacts = (
        Interaction.objects.filter(
            agent__in=agent_ids,
            occurred_at__gte=start,
            occurred_at__lt=end + datetime.timedelta(days=1),
        )
        .annotate(
            previous_intensity=Window(Lag("intensity"), **previous),
            previous_at=Window(Lag("occurred_at"), **previous),
            previous_seconds=Window(Lag("handle_seconds"), **previous),
        )
        .filter(previous_intensity=Intensity.HIGH, previous_at__lt=end)
        .order_by()
        .values_list("agent_id", "previous_at", "previous_seconds", "occurred_at")
    )
    return [
        (agent_id, previous_at + datetime.timedelta(seconds=seconds or 0), next_at)
        for agent_id, previous_at, seconds, next_at in contacts
    ]


def agent_exposure(*, agents: QuerySet, start, end, streaks: bool = True) -> list[AgentExposure]:
    """Exposure and recovery of each of `agents` between `start` and `end`. A fixed
    number of queries: the agents, one per time zone among them, the gaps and the
    streaks."""
    people = list(agents.order_by("display_name", "email"))
    found = {person.pk: AgentExposure(agent=person) for person in people}
    if not found:
        return []
    by_zone: dict[str, list[int]] = defaultdict(list)
    for person in people:
        by_zone[person.time_zone or "UTC"].append(person.pk)
    for agent_id, day, contacts, high in _local_days(by_zone, start, end):
        found[agent_id].contacts_by_day[day] = contacts
        if high:
            found[agent_id].high_by_day[day] = high
    zones = {person.pk: ZoneInfo(person.time_zone or "UTC") for person in people}
    for agent_id, ended_at, next_at in _recovery_gaps(list(found), start, end):
        gap = max(next_at - ended_at, datetime.timedelta(0))  # overlapping chats: none
        found[agent_id].gaps.append((ended_at.astimezone(zones[agent_id]).date(), gap))
    if streaks:
        accounts = (
            Interaction.objects.filter(
                agent__in=list(found), escalated=True, account__isnull=False, occurred_at__gte=start
            )
            .order_by()
            .values("account")
        )
        for streak in account_streaks(accounts=accounts).values():
            if streak.agent_id in found and streak.length > 1:
                found[streak.agent_id].streaks.append(streak)
    return list(found.values())


# --- Aggregated, for HR --------------------------------------------------------------------


def team_exposure_by_week(*, start, end, agents=None) -> dict:
    """Exposure and recovery by team and ISO week (each agent's own week), every cell
    computed from its own contributors and withheld under MIN_GROUP of them, as every HR
    figure: `agents` (agents with a contact that week), high-intensity contacts and their
    mean per agent, the recovery gaps and the share of them under RECOVERY_MINUTES (the
    agents with a gap are that cell's contributors). Never a row per agent.

    The contacts are counted by the database in one grouped query, each contact's week
    taken in its agent's zone; only the recovery gaps, a row per high-intensity contact,
    come back to Python."""
    User = get_user_model()
    if agents is None:  # HR: the whole organisation
        agents = User.objects.filter(role=User.Role.AGENT)
    agents = agents.filter(team__isnull=False)
    cells: dict[tuple, dict] = defaultdict(
        lambda: {"agents": 0, "high": 0, "gap_agents": set(), "gaps": 0, "short": 0}
    )
    zones = list(agents.order_by().values_list("time_zone", flat=True).distinct())

    def local(extract):  # the week of a contact on its agent's own calendar
        return Case(
            *[
                When(agent__time_zone=zone, then=extract("occurred_at", tzinfo=ZoneInfo(zone)))
                for zone in zones
                if zone
            ],
            default=extract("occurred_at", tzinfo=datetime.UTC),
            output_field=IntegerField(),
        )

    weeks = (
        Interaction.objects.filter(
            agent__in=agents.values("pk"), occurred_at__gte=start, occurred_at__lt=end
        )
        .values(
            team=F("agent__team__name"),
            iso_year=local(ExtractIsoYear),
            iso_week=local(ExtractWeek),
        )
        .annotate(
            contributors=Count("agent_id", distinct=True),
            high=Count("pk", filter=Q(intensity=Intensity.HIGH)),
        )
        .order_by()
    )
    for row in weeks if zones else []:
        cell = cells[(row["team"], f"{row['iso_year']}-W{row['iso_week']:02d}")]
        cell["agents"] += row["contributors"]
        cell["high"] += row["high"]
    people = {
        pk: (team, ZoneInfo(zone or "UTC"))
        for pk, team, zone in agents.values_list("pk", "team__name", "time_zone")
    }
    short = datetime.timedelta(minutes=RECOVERY_MINUTES)
    for agent_id, ended_at, next_at in _recovery_gaps(agents.values("pk"), start, end):
        team, tz = people[agent_id]
        cell = cells[(team, week_label(ended_at.astimezone(tz).date()))]
        cell["gap_agents"].add(agent_id)
        cell["gaps"] += 1
        cell["short"] += max(next_at - ended_at, datetime.timedelta(0)) < short
    rows, notes = [], []
    for (team, week), cell in sorted(cells.items()):
        agents_n, gap_agents = cell["agents"], len(cell["gap_agents"])
        shown = agents_n >= MIN_GROUP
        gaps_shown = shown and gap_agents >= MIN_GROUP
        rows.append(
            {
                "team": team,
                "week": week,
                "agents": agents_n if shown else None,
                "high_intensity_contacts": cell["high"] if shown else None,
                "high_intensity_per_agent": round(cell["high"] / agents_n, 1) if shown else None,
                "recovery_gaps": cell["gaps"] if gaps_shown else None,
                "no_recovery_share": round(cell["short"] / cell["gaps"], 2) if gaps_shown else None,
            }
        )
        if not shown:
            notes.append(f"{team}, {week}: {SUPPRESSED}")
        elif not gaps_shown:
            notes.append(f"{team}, {week}, recovery: {SUPPRESSED}")
    return {"min_group": MIN_GROUP, "rows": rows, "notes": notes}
