"""Demo wellbeing data: support resources, Ada's journal and debriefs, and two months of
pulse answers (the case-study team answers in numbers HR may see; the small demo teams
do not, so HR sees them withheld)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from wellbeing import debriefs, pulse, services
from wellbeing.models import SupportResource

RESOURCES = (
    ("Employee assistance line", "eap", "Free and confidential, for you and your family.",
     {"phone": "0800 555 0100", "hours": "24/7"}),
    ("Counselling service", "counselling", "Up to six sessions a year, booked directly.",
     {"url": "https://counselling.example.com", "hours": "Mon-Fri 8-20"}),
    ("Peer listeners", "peer", "Colleagues trained to listen; ask in the #peer-listeners "
     "channel or by e-mail.", {"email": "listeners@attune.example"}),
)  # fmt: skip


def _month(months_ago: int) -> datetime.datetime:
    first = timezone.now().date().replace(day=1)
    for _ in range(months_ago):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return datetime.datetime.combine(first, datetime.time(12), tzinfo=datetime.UTC)


def _answers(rng: random.Random, level: int) -> dict[str, int]:
    steps = (0, 25, 50, 75, 100)

    def near(centre):
        return steps[max(0, min(4, centre + rng.choice((-1, 0, 0, 1))))]

    answers = {f"cbi_w{i}": near(level) for i in range(1, 8)}
    answers["cbi_w4"] = near(4 - level)  # energy left: the reversed item
    answers["recovery"], answers["support"] = near(4 - level), near(3)
    return answers


@transaction.atomic
def demo_wellbeing_create(*, manager: User, agent: User, partner: User, team_name: str) -> None:
    if SupportResource.objects.exists():
        return
    for name, kind, description, contact in RESOURCES:
        resource = SupportResource(name=name, kind=kind, description=description, **contact)
        services.support_resource_save(resource=resource, by=manager)
    now = timezone.now()
    services.journal_write(
        author=agent,
        context="hard_contact",
        text="The caller whose refund bounced twice shouted for ten minutes. I kept my voice "
        "low and named what she felt; it worked, but I was shaking afterwards.",
    )
    services.journal_write(
        author=agent,
        context="exercise",
        text="Role-play with Ben: I rushed to the fix again. Next time, acknowledge first.",
    )
    if partner.pk in set(debriefs.teammates(user=agent).values_list("pk", flat=True)):
        held = debriefs.debrief_request(
            requester=agent, teammate=partner, now=now - datetime.timedelta(days=3)
        )
        debriefs.debrief_move(debrief=held, by=partner, action="held")
    if agent.pk in set(debriefs.teammates(user=partner).values_list("pk", flat=True)):
        debriefs.debrief_request(requester=partner, teammate=agent, now=now)
    rng = random.Random(18)
    team = Team.objects.filter(name=team_name).first()
    respondents = list(User.objects.filter(team=team, role=User.Role.AGENT)[:30]) if team else []
    for months_ago, level in ((1, 2), (0, 1)):
        when = _month(months_ago) if months_ago else now
        for person in respondents:
            pulse.pulse_submit(respondent=person, answers=_answers(rng, level), now=when)
    for months_ago in (2, 1, 0):
        when = _month(months_ago) if months_ago else now
        pulse.pulse_submit(respondent=agent, answers=_answers(rng, 2), now=when)
