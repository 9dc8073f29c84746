"""The monthly wellbeing pulse.

The burnout items are the work-related burnout scale of the Copenhagen Burnout Inventory
(CBI; Kristensen, Borritz, Villadsen and Christensen, Work & Stress 19(3), 2005), which its
authors made free to use. Each answer is scored 100, 75, 50, 25 or 0; the item on energy
left for family and friends is reversed; the score is the mean of the answered items, and
is given only when at least four of the seven are answered. Two items of Attune's own on
recovery and support follow; they are not part of the CBI score and not validated, and are
reported apart from it.

Everything here is optional for the agent. An agent's answers are read by that agent only;
anyone else sees a month's aggregate of a group of MIN_GROUP or more respondents.
"""

import datetime
from dataclasses import dataclass
from statistics import fmean
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.utils import timezone

from accounts.models import User
from insights.reports import MIN_GROUP
from wellbeing.models import PulseResponse

FREQUENCY = (
    (100, "Always"),
    (75, "Often"),
    (50, "Sometimes"),
    (25, "Seldom"),
    (0, "Never or almost never"),
)
DEGREE = (
    (100, "To a very high degree"),
    (75, "To a high degree"),
    (50, "Somewhat"),
    (25, "To a low degree"),
    (0, "To a very low degree"),
)
MIN_BURNOUT_ITEMS = 4


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    scale: tuple
    reversed: bool = False
    burnout: bool = True  # part of the CBI work-related score; False: Attune's own item


ITEMS = (
    Item("cbi_w1", "Do you feel worn out at the end of the working day?", FREQUENCY),
    Item("cbi_w2", "Are you exhausted in the morning at the thought of another day at work?",
         FREQUENCY),
    Item("cbi_w3", "Do you feel that every working hour is tiring for you?", FREQUENCY),
    Item("cbi_w4", "Do you have enough energy for family and friends during leisure time?",
         FREQUENCY, reversed=True),
    Item("cbi_w5", "Is your work emotionally exhausting?", DEGREE),
    Item("cbi_w6", "Does your work frustrate you?", DEGREE),
    Item("cbi_w7", "Do you feel burnt out because of your work?", DEGREE),
    Item("recovery", "This month, could you take a short break after a hard contact when you "
         "needed one?", FREQUENCY, burnout=False),
    Item("support", "When the work is emotionally hard, do you feel supported by your team?",
         DEGREE, burnout=False),
)  # fmt: skip
ITEMS_BY_KEY = {item.key: item for item in ITEMS}


def month_of(moment: datetime.datetime, time_zone: str) -> datetime.date:
    """The first day of the month `moment` falls in, in the person's time zone."""
    local = moment.astimezone(ZoneInfo(time_zone or "UTC"))
    return local.date().replace(day=1)


def scores(answers: dict[str, int]) -> tuple[float | None, float | None]:
    """(burnout, support) from the answers, each 0-100; burnout None under four items."""
    burnout = [
        100 - value if ITEMS_BY_KEY[key].reversed else value
        for key, value in answers.items()
        if ITEMS_BY_KEY[key].burnout
    ]
    support = [value for key, value in answers.items() if not ITEMS_BY_KEY[key].burnout]
    return (
        round(fmean(burnout), 1) if len(burnout) >= MIN_BURNOUT_ITEMS else None,
        round(fmean(support), 1) if support else None,
    )


def clean_answers(raw: dict) -> dict[str, int]:
    """Only known items with a value on their scale; unanswered items are left out."""
    answers, errors = {}, {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        item = ITEMS_BY_KEY.get(key)
        if item is None:
            errors[key] = "Not an item of the pulse."
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in {points for points, _ in item.scale}:
            errors[key] = "Choose one of the answers offered."
            continue
        answers[key] = value
    if errors:
        raise ValidationError(errors)
    burnout_answered = sum(1 for key in answers if ITEMS_BY_KEY[key].burnout)
    if burnout_answered < MIN_BURNOUT_ITEMS:
        raise ValidationError(
            {
                "__all__": f"Answer at least {MIN_BURNOUT_ITEMS} of the first seven questions "
                "(or leave the pulse for this month: it is optional)."
            }
        )
    return answers


def pulse_submit(*, respondent: User, answers: dict, now: datetime.datetime | None = None):
    """Record (or replace) this month's answers."""
    if respondent.role != User.Role.AGENT:
        raise PermissionDenied("The pulse is for agents.")
    now = now or timezone.now()
    answers = clean_answers(answers)
    burnout, support = scores(answers)
    response, _ = PulseResponse.objects.update_or_create(
        respondent=respondent,
        month=month_of(now, respondent.time_zone),
        defaults={
            "answers": answers,
            "burnout_score": burnout,
            "support_score": support,
            "team_id": respondent.team_id,
            "submitted_at": now,
        },
    )
    return response


def pulse_delete_mine(*, respondent: User) -> int:
    deleted, _ = PulseResponse.objects.filter(respondent=respondent).delete()
    return deleted


# --- Reads ---------------------------------------------------------------------------------


def my_trend(*, respondent: User):
    """The respondent's own months, oldest first."""
    return PulseResponse.objects.filter(respondent=respondent).order_by("month")


def my_answer_this_month(*, respondent: User, now: datetime.datetime | None = None):
    month = month_of(now or timezone.now(), respondent.time_zone)
    return PulseResponse.objects.filter(respondent=respondent, month=month).first()


def burnout_by_team_and_month(
    *, agents=None, months: int = 12, now: datetime.datetime | None = None
):
    """HR's burnout indicators: per team and month, respondents, the response rate and the
    mean scores; every figure of a cell with fewer than MIN_GROUP respondents is withheld
    (None, with the reason), so no cell describes fewer than five people.

    The response rate's denominator is the team's active agents today (a team's size in a
    past month is not kept); it is withheld with the cell. `agents` narrows both to a
    training manager's scope; None is HR's whole organisation."""
    now = now or timezone.now()
    first = (now.date().replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    responses = PulseResponse.objects.filter(month__gte=first)
    people = User.objects.filter(role=User.Role.AGENT, is_active=True)
    if agents is not None:
        responses = responses.filter(respondent__in=agents.values("pk"))
        people = people.filter(pk__in=agents.values("pk"))
    cells = (
        responses.values("month", "team_id", "team__name")
        .annotate(
            respondents=Count("id"),
            burnout=Avg("burnout_score"),
            support=Avg("support_score"),
            support_n=Count("id", filter=Q(support_score__isnull=False)),
        )
        .order_by("month", "team__name")
    )
    sizes = dict(people.values_list("team_id").annotate(n=Count("id")).values_list("team_id", "n"))
    rows = []
    for cell in cells:
        shown = cell["respondents"] >= MIN_GROUP
        size = sizes.get(cell["team_id"], 0)
        rows.append(
            {
                "month": cell["month"].isoformat(),
                "team": cell["team__name"] or "No team",
                "respondents": cell["respondents"] if shown else None,
                "response_rate": (
                    min(100.0, round(100 * cell["respondents"] / size, 1))
                    if shown and size
                    else None
                ),
                "burnout_score": round(cell["burnout"], 1) if shown else None,
                "support_score": (
                    round(cell["support"], 1) if shown and cell["support_n"] >= MIN_GROUP else None
                ),
                "withheld": None if shown else f"fewer than {MIN_GROUP} respondents",
            }
        )
    return rows
