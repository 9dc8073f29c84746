"""The plan page's practice parts: cohorts' plan template loads these tags, so the plan
shows practice progress, and the exercises that go with this week's module, without
cohorts importing practice (practice depends on cohorts)."""

from django import template
from django.utils import timezone

from practice import flashcards, selectors

register = template.Library()


@register.inclusion_tag("practice/_plan_flashcards.html")
def flashcard_progress(agent):
    progress = flashcards.flashcard_progress(agent=agent, now=timezone.now())
    return {"progress": progress, "learned_percent": _percent(progress.learned, progress.total)}


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@register.inclusion_tag("practice/_plan_module_exercises.html")
def module_exercises(module):
    """The library's exercises linked to `module` (a program's Module, or None): one query."""
    if module is None:
        return {"exercises": []}
    return {"exercises": list(selectors.exercises_of_module(module=module))}
