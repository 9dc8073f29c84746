"""The plan page's flashcard section: cohorts' plan template loads this tag, so the plan
shows practice progress without cohorts importing practice (practice depends on cohorts)."""

from django import template
from django.utils import timezone

from practice import flashcards

register = template.Library()


@register.inclusion_tag("practice/_plan_flashcards.html")
def flashcard_progress(agent):
    progress = flashcards.flashcard_progress(agent=agent, now=timezone.now())
    return {"progress": progress, "learned_percent": _percent(progress.learned, progress.total)}


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
