"""Demo practice data: a week of Ada's flashcards; two written drills of hers on a seeds'
scenario card (a weak first try and a better second one) with the analyzer's findings, and
the coach's marks on some of them, so the precision report has figures."""

import datetime

from django.db import transaction

from practice import flashcards, services
from practice.models import DrillAnswer, Exercise, ExerciseLog, FlashcardBox, ScenarioDeck
from programs.models import ScenarioCard

CARD_TITLE = "Refund denied outside the window"
DEMO_DECK = "Standup deck"
FIRST_TRY = (
    "Sorry for any inconvenience. I understand your frustration. As I already said, the "
    "refund window is 30 days, so there is nothing we can do."
)
SECOND_TRY = (
    "Marcus, being refused a refund 35 days after buying, when nobody told you about the "
    "30-day limit, must be really frustrating. That's not good enough, so let's fix it "
    "together: first I will check what your confirmation e-mail said. Which address did you "
    "buy with? I will call you back by 3 pm today with what we can do."
)
# (rule, right?): how the demo coach marked the first try's findings
MARKS = (("weak_phrase", True), ("blame", True), ("validation", True), ("paraphrase", False))


@transaction.atomic
def demo_practice_create(*, agent, coach) -> DrillAnswer | None:
    """Ada's two answers and the coach's marks; None if she has answered already
    (idempotent) or the seeds' card is missing."""
    card = ScenarioCard.objects.filter(
        title=CARD_TITLE, program__name="Empathy Essentials", program__cloned_from__isnull=True
    ).first()
    if card is None or DrillAnswer.objects.filter(agent=agent).exists():
        return None
    first = services.drill_answer_submit(agent=agent, card=card, text=FIRST_TRY)
    for rule, correct in MARKS:
        finding = first.findings.filter(rule=rule).first()
        if finding is not None:
            services.finding_mark(finding=finding, coach=coach, correct=correct)
    return services.drill_answer_submit(agent=agent, card=card, text=SECOND_TRY)


def demo_flashcards_create(*, agent, now) -> int:
    """Ada's last week of flashcards: a few cards reviewed on each of the past days (most
    known), so her plan shows cards in several boxes, a streak and some due today. Returns
    the reviews made; none if she has any (idempotent)."""
    if FlashcardBox.objects.filter(agent=agent).exists():
        return 0
    scripts = list(flashcards.flashcard_scripts(agent=agent).order_by("program", "kind", "id"))
    made = 0
    for days_ago in range(6, 0, -1):
        day = now - datetime.timedelta(days=days_ago)
        for card in flashcards.session_cards(agent=agent, now=day)[:4]:
            knew = (made % 4) != 3
            flashcards.flashcard_review(
                agent=agent, script=card.script, framework=card.framework, knew=knew, now=day
            )
            made += 1
    return made if scripts else 0


def demo_exercises_create(*, agent) -> int:
    """Two exercises Ada did: an empathy map whose notes she shared with her coaching
    partner, and a private reflection. Returns the entries made; none if she has any."""
    if ExerciseLog.objects.filter(agent=agent).exists():
        return 0
    made = 0
    for slug, notes, shared in (
        ("empathy-map", "Says: “third time I write”. Feels: ignored. Next time I name it "
         "first.", True),
        ("reflection", "I rushed the refund call; ask one open question before the fix.", False),
    ):  # fmt: skip
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is not None:
            services.exercise_log_create(
                agent=agent, exercise=exercise, notes=notes, shared_with_partner=shared
            )
            made += 1
    return made


def demo_decks_create(*, cohort, manager, agent) -> ScenarioDeck | None:
    """A standup deck of the program's cards for the demo cohort, and one scenario Ada
    suggested, waiting for the manager's review. None if the deck exists already."""
    if ScenarioDeck.objects.filter(program=cohort.program, name=DEMO_DECK).exists():
        return None
    cards = list(ScenarioCard.objects.filter(program=cohort.program).order_by("title", "id"))
    deck = services.deck_create(
        program=cohort.program,
        name=DEMO_DECK,
        description="One card a week for the five-minute drill in the team standup.",
        cards=cards,
    )
    services.cohort_deck_set(cohort=cohort, deck=deck, user=manager)
    services.suggestion_submit(
        agent=agent,
        program=cohort.program,
        title="Parcel marked delivered that never arrived",
        persona="A retired teacher who ordered a birthday present for her grandson.",
        situation="Tracking says the parcel was delivered yesterday; it is not there and the "
        "birthday is tomorrow.",
        intensity="medium",
        ambiguity="A neighbour may have taken it in.",
    )
    return deck
