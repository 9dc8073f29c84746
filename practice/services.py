"""Writes of the practice app: a written drill answered (and analysed at once), a finding
marked right or wrong by a coach, an exercise logged with private or shared notes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practice import analyzer
from practice.models import (
    ANSWER_MAX_CHARS,
    NOTES_MAX_CHARS,
    CohortDeck,
    DeckCard,
    DrillAnswer,
    DrillFinding,
    ExerciseLog,
    FindingMark,
    ScenarioDeck,
    ScenarioSuggestion,
)
from practice.selectors import finding_markable_by
from programs.models import ScenarioCard


def card_facts(card) -> analyzer.Card:
    return analyzer.Card(
        situation=card.situation,
        intensity=card.intensity,
        ambiguity=card.ambiguity,
        stakes=card.stakes,
    )


@transaction.atomic
def drill_answer_submit(*, agent, card, text: str) -> DrillAnswer:
    """Save an agent's written answer to `card` with the analyzer's findings, in one
    transaction: an answer never exists without its feedback."""
    if agent.role != agent.Role.AGENT:
        raise ValidationError("Written drills are answered by agents.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write your answer to the customer."]})
    if len(text) > ANSWER_MAX_CHARS:
        raise ValidationError({"text": [f"Keep it under {ANSWER_MAX_CHARS} characters."]})
    answer = DrillAnswer.objects.create(
        agent=agent, card=card, text=text, analyzer_version=analyzer.VERSION
    )
    findings = analyzer.analyze(answer=text, card=card_facts(card))
    DrillFinding.objects.bulk_create(
        DrillFinding(
            answer=answer,
            order=order,
            rule=finding.rule,
            verdict=finding.verdict,
            quote=finding.quote,
            why=finding.why,
        )
        for order, finding in enumerate(findings, start=1)
    )
    return answer


@transaction.atomic
def finding_mark(*, finding: DrillFinding, coach, correct: bool) -> FindingMark:
    """Record `coach`'s judgement of `finding` (marking again replaces it). Only a coach or
    manager who may read the answer, and never on their own answer."""
    if not finding_markable_by(user=coach).filter(pk=finding.pk).exists():
        raise ValidationError("You may not mark this finding.")
    mark, _ = FindingMark.objects.update_or_create(
        finding=finding,
        coach=coach,
        defaults={"correct": bool(correct), "marked_at": timezone.now()},
    )
    return mark


@transaction.atomic
def exercise_log_create(
    *, agent, exercise, notes: str = "", shared_with_partner: bool = False, done_at=None
) -> ExerciseLog:
    """Record that `agent` did `exercise`, with their notes (private unless shared with
    their coaching partners)."""
    if agent.role != agent.Role.AGENT:
        raise ValidationError("Exercises are logged by agents.")
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX_CHARS:
        raise ValidationError({"notes": [f"Keep the notes under {NOTES_MAX_CHARS} characters."]})
    when = done_at or timezone.now()
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"done_at": ["An exercise is logged once it is done."]})
    return ExerciseLog.objects.create(
        agent=agent,
        exercise=exercise,
        notes=notes,
        shared_with_partner=bool(shared_with_partner),
        done_at=when,
    )


@transaction.atomic
def exercise_log_update(*, log: ExerciseLog, agent, **changes) -> ExerciseLog:
    """Change an agent's own log: its notes, or whether their coaching partners read them."""
    if log.agent_id != agent.pk:
        raise ValidationError("Only the agent who logged an exercise changes it.")
    if "notes" in changes:
        notes = (changes["notes"] or "").strip()
        if len(notes) > NOTES_MAX_CHARS:
            raise ValidationError(
                {"notes": [f"Keep the notes under {NOTES_MAX_CHARS} characters."]}
            )
        log.notes = notes
    if "shared_with_partner" in changes:
        log.shared_with_partner = bool(changes["shared_with_partner"])
    log.save(update_fields=["notes", "shared_with_partner"])
    return log


@transaction.atomic
def exercise_log_delete(*, log: ExerciseLog, agent) -> None:
    """An agent deletes their own log, notes and all (their partners no longer read it)."""
    if log.agent_id != agent.pk:
        raise ValidationError("Only the agent who logged an exercise deletes it.")
    log.delete()


@transaction.atomic
def drill_answer_delete(*, answer: DrillAnswer, agent) -> None:
    """An agent deletes their own written answer with its findings. The coaches' marks on
    those findings go with them: the rule-precision report counts the marks of the answers
    that are kept."""
    if answer.agent_id != agent.pk:
        raise ValidationError("Only the agent who wrote an answer deletes it.")
    answer.delete()


# --- decks and suggestions --------------------------------------------------------------------


@transaction.atomic
def deck_create(*, program, name: str, cards=(), description: str = "") -> ScenarioDeck:
    """A deck of `program`'s scenario cards, in the order given."""
    deck = ScenarioDeck(program=program, name=name, description=description)
    deck.full_clean()
    deck.save()
    deck_cards_set(deck=deck, cards=cards)
    return deck


@transaction.atomic
def deck_cards_set(*, deck: ScenarioDeck, cards) -> ScenarioDeck:
    """Replace the deck's cards by `cards`, in that order; each must be of the deck's
    program and appear once."""
    cards = list(cards)
    if any(card.program_id != deck.program_id for card in cards):
        raise ValidationError({"cards": ["A deck holds cards of its own program only."]})
    if len({card.pk for card in cards}) != len(cards):
        raise ValidationError({"cards": ["A card appears once in a deck."]})
    DeckCard.objects.filter(deck=deck).delete()
    DeckCard.objects.bulk_create(
        DeckCard(deck=deck, card=card, order=order) for order, card in enumerate(cards, start=1)
    )
    return deck


@transaction.atomic
def cohort_deck_set(*, cohort, deck: ScenarioDeck, user) -> CohortDeck:
    """The deck `cohort`'s standups draw from from now on (the rotation is the deck's)."""
    if deck.program_id != cohort.program_id:
        raise ValidationError({"deck": ["Choose a deck of the cohort's program."]})
    cohort_deck, _ = CohortDeck.objects.update_or_create(
        cohort=cohort, defaults={"deck": deck, "chosen_by": user, "chosen_at": timezone.now()}
    )
    return cohort_deck


@transaction.atomic
def suggestion_submit(*, agent, program, **fields) -> ScenarioSuggestion:
    """An agent suggests a scenario for `program` (one they can see)."""
    if agent.role != agent.Role.AGENT:
        raise ValidationError("Scenarios are suggested by agents.")
    suggestion = ScenarioSuggestion(agent=agent, program=program, **fields)
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def _pending(suggestion_id: int) -> ScenarioSuggestion:
    suggestion = ScenarioSuggestion.objects.select_for_update().get(pk=suggestion_id)
    if suggestion.status != ScenarioSuggestion.Status.PENDING:
        raise ValidationError("This suggestion has been reviewed already.")
    return suggestion


@transaction.atomic
def suggestion_accept(*, suggestion: ScenarioSuggestion, manager, deck=None, note: str = ""):
    """Add the suggestion to its program as a scenario card (and to `deck` if given, at its
    end). Reviewed once: a second review is refused."""
    suggestion = _pending(suggestion.pk)
    if deck is not None and deck.program_id != suggestion.program_id:
        raise ValidationError({"deck": ["Choose a deck of the suggestion's program."]})
    card = ScenarioCard(
        program_id=suggestion.program_id,
        title=suggestion.title,
        persona=suggestion.persona,
        situation=suggestion.situation,
        intensity=suggestion.intensity,
        ambiguity=suggestion.ambiguity,
    )
    card.full_clean()
    card.save()
    if deck is not None:
        last = deck.entries.order_by("-order").values_list("order", flat=True).first() or 0
        DeckCard.objects.create(deck=deck, card=card, order=last + 1)
    suggestion.status = ScenarioSuggestion.Status.ACCEPTED
    suggestion.card = card
    suggestion.reviewed_by = manager
    suggestion.reviewed_at = timezone.now()
    suggestion.review_note = note
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_decline(*, suggestion: ScenarioSuggestion, manager, note: str):
    """Decline with a note the agent reads."""
    suggestion = _pending(suggestion.pk)
    if not (note or "").strip():
        raise ValidationError({"note": ["Say why, for the agent."]})
    suggestion.status = ScenarioSuggestion.Status.DECLINED
    suggestion.reviewed_by = manager
    suggestion.reviewed_at = timezone.now()
    suggestion.review_note = note.strip()
    suggestion.save()
    return suggestion
