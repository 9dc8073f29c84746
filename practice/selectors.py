"""Who sees which practice data, and the analyzer's precision report."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from cohorts.models import CoachingPair, Cohort
from cohorts.scope import managed_agents, managed_cohorts
from cohorts.selectors import coaching_pair_visible_to
from practice import analyzer, decks
from practice.models import (
    CohortDeck,
    DeckCard,
    DrillAnswer,
    DrillFinding,
    Exercise,
    ExerciseLog,
    FindingMark,
    Framework,
    FrameworkStep,
    ScenarioDeck,
    ScenarioSuggestion,
)
from programs.models import ScenarioCard
from programs.selectors import program_visible_to
from reviews.selectors import scorecard_agents_visible_to


def drill_cards_visible_to(*, user) -> QuerySet[ScenarioCard]:
    """The scenario cards `user` may answer or read: those of the programs they see."""
    return ScenarioCard.objects.filter(program__in=program_visible_to(user=user)).select_related(
        "program"
    )


def drill_answer_visible_to(*, user) -> QuerySet[DrillAnswer]:
    """An agent's own answers; a coach's or manager's: those of the agents whose scorecard
    they may open (the cohorts they review or facilitate, a manager's agents); HR none."""
    if not (user and user.is_authenticated) or user.is_hr:
        return DrillAnswer.objects.none()
    if user.role == user.Role.AGENT and not user.is_superuser:
        return DrillAnswer.objects.filter(agent=user)
    return DrillAnswer.objects.filter(agent__in=scorecard_agents_visible_to(user=user))


def drill_answer_own(*, user) -> QuerySet[DrillAnswer]:
    """The answers `user` may delete: their own."""
    return drill_answer_visible_to(user=user).filter(agent=user.pk)


def drill_answer_detail_queryset(*, user) -> QuerySet[DrillAnswer]:
    """Visible answers with their card and findings, and the asking coach's own marks."""
    return (
        drill_answer_visible_to(user=user)
        .select_related("agent", "card")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=DrillFinding.objects.order_by("order").prefetch_related(
                    Prefetch(
                        "marks",
                        queryset=FindingMark.objects.filter(coach=user.pk),
                        to_attr="my_marks",
                    )
                ),
            )
        )
    )


def can_mark(*, user) -> bool:
    """Coaches and training managers judge findings (of answers they may read)."""
    return bool(user and user.is_authenticated and (user.is_manager or user.role == "coach"))


def finding_markable_by(*, user) -> QuerySet[DrillFinding]:
    """The findings `user` may mark: of the answers they may read, never their own."""
    if not can_mark(user=user):
        return DrillFinding.objects.none()
    answers = drill_answer_visible_to(user=user).exclude(agent=user)
    return DrillFinding.objects.filter(answer__in=answers)


@dataclass(frozen=True)
class RulePrecision:
    rule: str
    name: str
    findings: int  # findings the rule made
    marked: int  # findings at least one coach marked
    right: int
    wrong: int

    @property
    def precision(self) -> float | None:
        """The share of marks that say the finding was right (None before any mark)."""
        total = self.right + self.wrong
        return None if total == 0 else round(self.right / total, 3)


def rule_precision() -> list[RulePrecision]:
    """Each rule's precision measured from coaches' marks: right marks / all marks, over
    every answer. No person's data: counts per rule only. Two queries."""
    made = dict(
        DrillFinding.objects.exclude(verdict=analyzer.NOT_NEEDED)
        .values_list("rule")
        .annotate(n=Count("id"))
        .order_by()
    )
    marks = {
        row["finding__rule"]: row
        for row in FindingMark.objects.values("finding__rule")
        .annotate(
            right=Count("id", filter=Q(correct=True)),
            wrong=Count("id", filter=Q(correct=False)),
            marked=Count("finding", distinct=True),
        )
        .order_by()
    }
    return [
        RulePrecision(
            rule=rule.id,
            name=rule.name,
            findings=made.get(rule.id, 0),
            marked=marks.get(rule.id, {}).get("marked", 0),
            right=marks.get(rule.id, {}).get("right", 0),
            wrong=marks.get(rule.id, {}).get("wrong", 0),
        )
        for rule in analyzer.RULES
    ]


# --- library and exercise logs ----------------------------------------------------------------


def frameworks_for(*, user) -> QuerySet[Framework]:
    """The frameworks with their steps and what they train: curriculum, for everyone signed
    in."""
    if not (user and user.is_authenticated):
        return Framework.objects.none()
    return Framework.objects.prefetch_related(
        Prefetch("steps", queryset=FrameworkStep.objects.order_by("order")),
        "criteria",
        "modules",
        "workshops",
        "exercises",
    )


def exercises_for(*, user) -> QuerySet[Exercise]:
    if not (user and user.is_authenticated):
        return Exercise.objects.none()
    return Exercise.objects.prefetch_related("frameworks", "criteria", "modules", "workshops")


def coaching_partners(*, agent) -> QuerySet:
    """The agents `agent` has been paired with for peer coaching (any week)."""
    User = get_user_model()
    if not (agent and agent.is_authenticated) or agent.role != agent.Role.AGENT:
        return User.objects.none()
    # A fresh query over the agent's pairs: filtering and reading `members` in one query
    # would join the same member row (the agent's own) twice.
    pairs = CoachingPair.objects.filter(pk__in=coaching_pair_visible_to(user=agent).values("pk"))
    members = pairs.values("members__enrollment__agent")
    return User.objects.filter(pk__in=members).exclude(pk=agent.pk)


def exercise_log_visible_to(*, user) -> QuerySet[ExerciseLog]:
    """An agent's own exercise logs, and the ones their coaching partners shared with them.
    Nobody else reads them: not coaches, managers or HR (the notes are private)."""
    if not (user and user.is_authenticated) or user.role != user.Role.AGENT:
        return ExerciseLog.objects.none()
    partners = coaching_partners(agent=user)
    return ExerciseLog.objects.filter(
        Q(agent=user) | Q(agent__in=partners, shared_with_partner=True)
    ).select_related("agent", "exercise")


def exercises_of_module(*, module) -> QuerySet[Exercise]:
    """The exercises linked to a program's module, by name."""
    return Exercise.objects.filter(modules=module).order_by("name", "id")


def exercise_log_own(*, user) -> QuerySet[ExerciseLog]:
    """The logs `user` may change: their own."""
    return exercise_log_visible_to(user=user).filter(agent=user.pk)


# --- decks, standups and suggestions ------------------------------------------------------------


# Finished and cancelled cohorts hold no more standups: the lists leave them out.
ENDED_COHORTS = (Cohort.Status.FINISHED, Cohort.Status.CANCELLED)


def standup_cohorts(*, user) -> QuerySet[Cohort]:
    """The cohorts whose standup drill `user` runs: those they facilitate (managers and
    coaches alike; every cohort for a superuser)."""
    if not (user and user.is_authenticated) or user.is_hr:
        return Cohort.objects.none()
    if user.is_manager:
        return managed_cohorts(user=user)
    return Cohort.objects.filter(facilitators=user)


def deck_cards(deck: ScenarioDeck) -> list[ScenarioCard]:
    """The deck's cards in their order."""
    return [entry.card for entry in deck.entries.select_related("card").order_by("order", "id")]


def standup_drill(*, cohort: Cohort, now) -> dict | None:
    """This week's standup drill of `cohort`: the deck, the week and the card; None when the
    cohort has no deck or the deck no cards."""
    return standup_drills(cohorts=[cohort], now=now)[cohort.pk]


def standup_drills(*, cohorts, now) -> dict[int, dict | None]:
    """`standup_drill` of each of `cohorts`, by cohort id, in two queries however many
    cohorts: their decks, then the decks' cards in order."""
    cohorts = list(cohorts)
    chosen = {
        row.cohort_id: row
        for row in CohortDeck.objects.filter(cohort__in=[c.pk for c in cohorts]).select_related(
            "deck"
        )
    }
    cards_of: dict[int, list[ScenarioCard]] = {}
    if chosen:
        entries = (
            DeckCard.objects.filter(deck__in={row.deck_id for row in chosen.values()})
            .select_related("card")
            .order_by("deck", "order", "id")
        )
        for entry in entries:
            cards_of.setdefault(entry.deck_id, []).append(entry.card)
    return {cohort.pk: _drill(cohort, chosen.get(cohort.pk), cards_of, now) for cohort in cohorts}


def _drill(cohort: Cohort, cohort_deck, cards_of: dict, now) -> dict | None:
    if cohort_deck is None:
        return None
    cards = cards_of.get(cohort_deck.deck_id, [])
    week = decks.cohort_week(cohort=cohort, now=now)
    ids = [c.pk for c in cards]
    card_id = decks.card_for_week(deck_id=cohort_deck.deck_id, card_ids=ids, week=week)
    if card_id is None:
        return None
    next_id = decks.card_for_week(deck_id=cohort_deck.deck_id, card_ids=ids, week=week + 1)
    by_id = {c.pk: c for c in cards}
    return {
        "deck": cohort_deck.deck,
        "week": max(week, 0) + 1,
        "card": by_id[card_id],
        "next_card": by_id[next_id],
        "minutes": decks.DRILL_MINUTES,
    }


def suggestion_visible_to(*, user) -> QuerySet[ScenarioSuggestion]:
    """An agent's own suggestions; a manager's: those of their agents; nobody else's."""
    if not (user and user.is_authenticated) or user.is_hr:
        return ScenarioSuggestion.objects.none()
    if user.is_manager:
        return ScenarioSuggestion.objects.filter(agent__in=managed_agents(user=user))
    if user.role == user.Role.AGENT:
        return ScenarioSuggestion.objects.filter(agent=user)
    return ScenarioSuggestion.objects.none()
