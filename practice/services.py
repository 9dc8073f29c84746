"""Writes of the practice app: a written drill answered (and analysed at once), a finding
marked right or wrong by a coach."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practice import analyzer
from practice.models import ANSWER_MAX_CHARS, DrillAnswer, DrillFinding, FindingMark
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
