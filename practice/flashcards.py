"""Flashcards of the micro-scripts and the frameworks' steps, with Leitner boxes.

A card is a micro-script of a program the agent is enrolled in (the front names it: kind,
situation, intensity; the back is the line itself), or a framework taught in one of those
programs' workshops or modules (the front asks for its steps; the back lists them). Each
card an agent has seen sits in one of five boxes; a card they knew moves up a box, one they
did not goes back to box 1, and a box says how many days until the card comes back: 1, 2,
4, 8, 16. Days are the agent's own (their time zone). A session is the cards due today, at
most SESSION_CARDS, topped up with at most NEW_PER_DAY cards never seen. A card in box 4 or
5 counts as learned. docs/practice.md.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet

from cohorts.selectors import enrollment_visible_to
from practice.models import FlashcardBox, FlashcardDay, Framework
from programs.models import MicroScript, Program

INTERVAL_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
TOP_BOX = 5
LEARNED_FROM_BOX = 4
SESSION_CARDS = 10
NEW_PER_DAY = 5


def agent_today(*, agent, now: datetime.datetime) -> datetime.date:
    return now.astimezone(ZoneInfo(agent.time_zone or "UTC")).date()


def flashcard_scripts(*, agent) -> QuerySet[MicroScript]:
    """The micro-scripts `agent` studies: those of the published programs they are
    enrolled in."""
    programs = enrollment_visible_to(user=agent).values("program")
    return MicroScript.objects.filter(
        program__in=programs, program__status=Program.Status.PUBLISHED
    ).select_related("program")


def card_front(script: MicroScript) -> str:
    parts = [script.get_kind_display()]
    if script.situation != "general":
        parts.append(script.get_situation_display().lower())
    if script.intensity:
        parts.append(f"{script.get_intensity_display().lower()} intensity")
    front = ", ".join(parts)
    return f"{script.title} ({front})" if script.title else front


def flashcard_frameworks(*, agent) -> QuerySet[Framework]:
    """The frameworks `agent` studies: those taught in a workshop or module of the published
    programs they are enrolled in."""
    programs = enrollment_visible_to(user=agent).values("program")
    taught = Q(workshops__program__in=programs) | Q(modules__program__in=programs)
    ids = Framework.objects.filter(taught).values("pk")
    return Framework.objects.filter(pk__in=ids)


SCRIPT, FRAMEWORK = "script", "framework"
KIND_CHOICES = [(SCRIPT, "Micro-script"), (FRAMEWORK, "Framework steps")]


@dataclass(frozen=True)
class Card:
    script: MicroScript | None
    framework: Framework | None
    box: int | None  # None: never seen
    due_on: datetime.date | None

    @property
    def kind(self) -> str:
        return SCRIPT if self.script is not None else FRAMEWORK

    @property
    def pk(self) -> int:
        return (self.script or self.framework).pk

    @property
    def front(self) -> str:
        if self.script is not None:
            return card_front(self.script)
        return f"{self.framework.name}: its steps, in order"

    @property
    def back(self) -> str:
        if self.script is not None:
            return self.script.text
        steps = sorted(self.framework.steps.all(), key=lambda step: step.order)
        return "\n".join(f"{step.order}. {step.name}: {step.text}" for step in steps)


def card_of(*, agent, kind: str, pk: int) -> dict | None:
    """{"script": ...} or {"framework": ...}: the card `kind`/`pk` if it is one of `agent`'s
    flashcards, else None."""
    if kind == SCRIPT:
        script = flashcard_scripts(agent=agent).filter(pk=pk).first()
        return {"script": script} if script else None
    if kind == FRAMEWORK:
        framework = flashcard_frameworks(agent=agent).filter(pk=pk).first()
        return {"framework": framework} if framework else None
    return None


def session_cards(*, agent, now: datetime.datetime) -> list[Card]:
    """Today's cards: the due ones (lowest box first), then new ones (micro-scripts, then
    frameworks) while today's allowance of new cards lasts, at most SESSION_CARDS in all."""
    today = agent_today(agent=agent, now=now)
    scripts = flashcard_scripts(agent=agent)
    frameworks = flashcard_frameworks(agent=agent)
    due = list(
        FlashcardBox.objects.filter(agent=agent, due_on__lte=today)
        .filter(Q(script__in=scripts) | Q(framework__in=frameworks))
        .select_related("script__program", "framework")
        .prefetch_related("framework__steps")
        .order_by("box", "due_on", "id")[:SESSION_CARDS]
    )
    cards = [Card(script=b.script, framework=b.framework, box=b.box, due_on=b.due_on) for b in due]
    allowance = NEW_PER_DAY - _new_today(agent=agent, today=today)
    room = min(SESSION_CARDS - len(cards), allowance)
    if room > 0:
        new = scripts.exclude(flashcard_boxes__agent=agent).order_by("program", "kind", "id")
        fresh = [Card(script=s, framework=None, box=None, due_on=None) for s in new[:room]]
        cards += fresh
        room -= len(fresh)
    if room > 0:
        new = (
            frameworks.exclude(flashcard_boxes__agent=agent)
            .prefetch_related("steps")
            .order_by("name", "id")
        )
        cards += [Card(script=None, framework=f, box=None, due_on=None) for f in new[:room]]
    return cards


@transaction.atomic
def flashcard_review(
    *, agent, knew: bool, now: datetime.datetime, script=None, framework=None
) -> FlashcardBox:
    """Record that `agent` went through a card (a micro-script or a framework's steps) today
    and whether they knew it: up a box (at most 5) or back to box 1, due again after the
    box's interval. A card that is not due yet is refused, so a double submit does not move
    it twice."""
    if agent.role != agent.Role.AGENT:
        raise ValidationError("Flashcards are for agents.")
    if (script is None) == (framework is None):
        raise ValidationError("Review one card: a micro-script or a framework.")
    if script is not None:
        card = {"script": script}
        mine = flashcard_scripts(agent=agent).filter(pk=script.pk).exists()
    else:
        card = {"framework": framework}
        mine = flashcard_frameworks(agent=agent).filter(pk=framework.pk).exists()
    if not mine:
        raise ValidationError({"id": ["Not one of your flashcards."]})
    today = agent_today(agent=agent, now=now)
    box = FlashcardBox.objects.select_for_update().filter(agent=agent, **card).first()
    is_new = box is None
    if box is None:
        box = FlashcardBox(agent=agent, **card, box=1, due_on=today, last_reviewed_at=now)
    elif box.due_on > today:
        raise ValidationError(f"This card is not due again until {box.due_on:%d %B}.")
    if knew:
        box.box = min(box.box + 1, TOP_BOX)
    else:
        box.lapses += 0 if is_new else 1
        box.box = 1
    box.due_on = today + datetime.timedelta(days=INTERVAL_DAYS[box.box])
    box.reviews += 1
    box.last_reviewed_at = now
    box.save()
    FlashcardDay.objects.get_or_create(agent=agent, day=today)
    FlashcardDay.objects.filter(agent=agent, day=today).update(
        reviewed=F("reviewed") + 1, known=F("known") + int(knew), new=F("new") + int(is_new)
    )
    return box


@dataclass(frozen=True)
class Progress:
    total: int
    seen: int
    learned: int
    due_today: int
    reviewed_today: int
    streak_days: int  # consecutive days with a review, ending today or yesterday
    boxes: dict  # box -> cards in it

    @property
    def new(self) -> int:
        return self.total - self.seen


def flashcard_progress(*, agent, now: datetime.datetime) -> Progress:
    """The agent's flashcard progress for the plan page. Five queries."""
    today = agent_today(agent=agent, now=now)
    scripts = flashcard_scripts(agent=agent)
    frameworks = flashcard_frameworks(agent=agent)
    total = scripts.count() + frameworks.count()
    mine = Q(script__in=scripts) | Q(framework__in=frameworks)
    rows = FlashcardBox.objects.filter(mine, agent=agent).aggregate(
        seen=Count("id"),
        learned=Count("id", filter=Q(box__gte=LEARNED_FROM_BOX)),
        due=Count("id", filter=Q(due_on__lte=today)),
        **{f"box{n}": Count("id", filter=Q(box=n)) for n in INTERVAL_DAYS},
    )
    days = list(
        FlashcardDay.objects.filter(agent=agent, day__lte=today, reviewed__gt=0)
        .order_by("-day")
        .values_list("day", "reviewed")[:400]
    )
    reviewed_today = days[0][1] if days and days[0][0] == today else 0
    streak, expected = 0, today if reviewed_today else today - datetime.timedelta(days=1)
    for day, _ in days:
        if day == today and not reviewed_today:
            continue
        if day != expected:
            break
        streak += 1
        expected -= datetime.timedelta(days=1)
    new_left = max(NEW_PER_DAY - _new_today(agent=agent, today=today), 0)
    return Progress(
        total=total,
        seen=rows["seen"],
        learned=rows["learned"],
        due_today=rows["due"] + min(new_left, total - rows["seen"]),
        reviewed_today=reviewed_today,
        streak_days=streak,
        boxes={n: rows[f"box{n}"] for n in INTERVAL_DAYS},
    )


def _new_today(*, agent, today) -> int:
    return (
        FlashcardDay.objects.filter(agent=agent, day=today).values_list("new", flat=True).first()
        or 0
    )
