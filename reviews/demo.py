"""Demo reviews: the demo cohort's review plan and an assignment in every state."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort
from insights.models import Interaction
from reviews.assignment import RANDOM_SAMPLE, routing_reason
from reviews.disputes import dispute_open
from reviews.models import ReviewAssignment, ReviewPlan
from reviews.services import review_draft_save, review_submit


@transaction.atomic
def demo_reviews_create(*, cohort: Cohort, coach: User) -> ReviewPlan:
    """A plan for the cohort reviewed by the coach, and for its first agents: a review to
    do this week, an overdue one with a draft, a submitted one (which its agent disputes)
    and a skipped one.
    Idempotent: does nothing once the cohort has a plan."""
    existing = ReviewPlan.objects.filter(cohort=cohort).first()
    if existing is not None:
        return existing
    plan = ReviewPlan.objects.create(cohort=cohort)
    plan.coaches.add(coach)
    now = timezone.now()
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    agents = [e.agent for e in cohort.enrollments.select_related("agent").order_by("pk")][:4]
    criteria = list(cohort.program.rubric.criteria.order_by("order"))
    states = [("due", 3), ("overdue", -2), ("submitted", 3), ("skipped", 3)]
    for agent, (state, days) in zip(agents, states, strict=False):
        recent = Interaction.objects.filter(agent=agent).order_by("-occurred_at")
        # The review due shows routing in the coach's queue: an intense contact if any.
        interaction = (state == "due" and recent.filter(intensity="high").first()) or recent.first()
        if interaction is None:
            continue
        assignment = ReviewAssignment.objects.create(
            plan=plan, agent=agent, reviewer=coach, slot=1, interaction=interaction,
            week=monday if days > 0 else monday - datetime.timedelta(days=7),
            due_at=now + datetime.timedelta(days=days),
            routing_reason=routing_reason(plan=plan, interaction=interaction) or RANDOM_SAMPLE,
        )  # fmt: skip
        if state in ("overdue", "submitted"):
            review_draft_save(
                assignment=assignment, reviewer=coach,
                values={c.key: 4 for c in criteria[: len(criteria) if state == "submitted" else 2]},
                comments={criteria[0].key: "Warm greeting; the customer relaxed."},
                strength="You named the customer's frustration before fixing anything.",
                next_step="Summarise what happens next before closing.",
            )  # fmt: skip
        if state == "submitted":
            score = review_submit(assignment=assignment, reviewer=coach)
            dispute_open(
                score=score, agent=agent,
                reasons={criteria[0].key: "I greeted the customer by name and slowed down."},
            )  # fmt: skip
        if state == "skipped":
            assignment.status = ReviewAssignment.Status.SKIPPED
            assignment.skip_reason = "Recording missing: the call could not be reviewed."
            assignment.save(update_fields=["status", "skip_reason"])
    return plan
