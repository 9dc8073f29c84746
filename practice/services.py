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
    DrillAnswer,
    DrillFinding,
    ExerciseLog,
    FindingMark,
)
from practice.selectors import finding_markable_by


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
