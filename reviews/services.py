"""Writing a review: a coach keeps a draft on the assignment, then submits it once; the
submitted review becomes an immutable QA rubric score with per-criterion comments, one
strength and one next step, and the agent's certification is evaluated again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import Enrollment, RubricScore
from cohorts.services import rubric_score_create, rubric_values_errors
from reviews.models import ReviewAssignment, SelfAssessment

FEEDBACK_MAX = 2000


def _open_for(assignment: ReviewAssignment, reviewer: User) -> None:
    if assignment.reviewer_id != reviewer.pk:
        raise ValidationError({"reviewer": "Only the assigned reviewer writes this review."})
    if assignment.status != ReviewAssignment.Status.ASSIGNED:
        raise ValidationError(
            {"status": f"This review is {assignment.get_status_display().lower()}: it is final."}
        )


def _partial_value_errors(rubric, values: dict) -> dict[str, str]:
    """Scores given so far, each on its criterion's scale (a draft may leave some out)."""
    criteria = {c.key: c for c in rubric.criteria.all()}
    errors = {}
    for key, value in values.items():
        criterion = criteria.get(key)
        if criterion is None:
            errors[key] = f"“{key}” is not a criterion of {rubric}."
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[key] = "Give a whole number."
        elif not criterion.scale_min <= value <= criterion.scale_max:
            errors[key] = f"Give a score from {criterion.scale_min} to {criterion.scale_max}."
    return errors


@transaction.atomic
def review_draft_save(
    *,
    assignment: ReviewAssignment,
    reviewer: User,
    values: dict,
    comments: dict,
    strength: str = "",
    next_step: str = "",
) -> ReviewAssignment:
    """Keep what the reviewer has written so far; nothing is visible to the agent yet."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    _open_for(assignment, reviewer)
    rubric = assignment.plan.cohort.program.rubric
    values = {key: value for key, value in values.items() if value is not None}
    if errors := _partial_value_errors(rubric, values):
        raise ValidationError({"values": [f"{key}: {message}" for key, message in errors.items()]})
    keys = set(rubric.criteria.values_list("key", flat=True))
    comments = {key: text.strip() for key, text in comments.items() if text and text.strip()}
    if unknown := sorted(set(comments) - keys):
        raise ValidationError({"comments": f"Not criteria of {rubric}: {', '.join(unknown)}."})
    for name, text in (("strength", strength), ("next_step", next_step)):
        if len(text) > FEEDBACK_MAX:
            raise ValidationError({name: f"Keep it under {FEEDBACK_MAX} characters."})
    assignment.draft_values = values
    assignment.draft_comments = comments
    assignment.draft_strength = strength.strip()
    assignment.draft_next_step = next_step.strip()
    assignment.save(
        update_fields=["draft_values", "draft_comments", "draft_strength", "draft_next_step"]
    )
    return assignment


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, reviewer: User, now=None) -> RubricScore:
    """Submit the saved draft, once: every criterion scored, a strength and a next step."""
    now = now or timezone.now()
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("plan__cohort__program__rubric", "interaction", "agent")
        .get(pk=assignment.pk)
    )
    _open_for(assignment, reviewer)
    errors = {}
    if not assignment.draft_strength:
        errors["strength"] = "Name one thing the agent did well."
    if not assignment.draft_next_step:
        errors["next_step"] = "Name one thing to try next time."
    if errors:
        raise ValidationError(errors)
    cohort = assignment.plan.cohort
    score = rubric_score_create(
        rubric=cohort.program.rubric,
        scorer=reviewer,
        subject=assignment.agent,
        context=RubricScore.Context.QA,
        values=assignment.draft_values,
        scored_at=now,
        cohort=cohort,
        interaction_ref=assignment.interaction.reference,
        comments=assignment.draft_comments,
        strength=assignment.draft_strength,
        next_step=assignment.draft_next_step,
    )
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.score = score
    assignment.completed_at = now
    assignment.save(update_fields=["status", "score", "completed_at"])
    enrollment = Enrollment.objects.filter(
        cohort=cohort, agent=assignment.agent, status=Enrollment.Status.ACTIVE
    ).first()
    if enrollment is not None:
        from certification.services import enqueue_evaluation

        enqueue_evaluation(enrollment_id=enrollment.pk)
    return score


@transaction.atomic
def self_assessment_create(*, assignment: ReviewAssignment, agent: User, values: dict):
    """The agent scores their own interaction under review, once, before the coach submits."""
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.agent_id != agent.pk:
        raise ValidationError({"assignment": "You score only your own interactions."})
    if assignment.status != ReviewAssignment.Status.ASSIGNED:
        raise ValidationError(
            {"assignment": "The review is already in: self-assessment comes before it."}
        )
    if SelfAssessment.objects.filter(assignment=assignment).exists():
        raise ValidationError({"assignment": "You have scored this interaction already."})
    rubric = assignment.plan.cohort.program.rubric
    if errors := rubric_values_errors(rubric=rubric, values=values):
        raise ValidationError({"values": errors})
    return SelfAssessment.objects.create(assignment=assignment, values=values)


def self_assessment_gaps(assignment: ReviewAssignment) -> list[dict] | None:
    """Criterion by criterion, the agent's own score, the coach's and the gap (own minus
    coach's), once both exist; None before."""
    own = getattr(assignment, "self_assessment", None)
    if own is None or assignment.score is None:
        return None
    return [
        {
            "name": row["name"],
            "own": own.values.get(key),
            "coach": row["value"],
            "gap": own.values.get(key, 0) - row["value"],
        }
        for key, row in zip(
            [c.key for c in sorted(assignment.score.rubric.criteria.all(), key=lambda c: c.order)],
            assignment.score.criteria_feedback(),
            strict=True,
        )
    ]
