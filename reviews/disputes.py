"""Disputes: an agent questions a QA score; someone other than the scorer resolves it.

The score in force is the newest of a chain: an adjusted dispute writes a new score that
supersedes the original (which stays, immutable), and certification reads only scores
that nothing supersedes.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from cohorts.models import Enrollment, RubricScore
from cohorts.scope import managed_cohorts
from cohorts.services import rubric_score_create
from reviews.models import Dispute, ReviewPlan

REASON_MAX = 1000


def dispute_window_open(score: RubricScore, now=None) -> bool:
    now = now or timezone.now()
    return now - score.scored_at <= datetime.timedelta(days=Dispute.DISPUTE_DAYS)


def can_dispute(score: RubricScore, agent: User, now=None) -> bool:
    return (
        score.subject_id == agent.pk
        and score.context == RubricScore.Context.QA
        and score.superseded_by_id is None
        and not Dispute.objects.filter(score=score).exists()
        and dispute_window_open(score, now)
    )


@transaction.atomic
def dispute_open(*, score: RubricScore, agent: User, reasons: dict, now=None) -> Dispute:
    """The agent disputes some criteria of a QA score about them, each with a reason."""
    now = now or timezone.now()
    score = RubricScore.objects.select_for_update().get(pk=score.pk)
    if score.subject_id != agent.pk:
        raise ValidationError({"score": "You can only dispute scores about you."})
    if score.context != RubricScore.Context.QA:
        raise ValidationError({"score": "Only QA review scores can be disputed."})
    if score.superseded_by_id is not None or Dispute.objects.filter(score=score).exists():
        raise ValidationError({"score": "This score has already been disputed."})
    if not dispute_window_open(score, now):
        raise ValidationError(
            {"score": f"Scores can be disputed within {Dispute.DISPUTE_DAYS} days."}
        )
    keys = set(score.rubric.criteria.values_list("key", flat=True))
    reasons = {key: (text or "").strip() for key, text in (reasons or {}).items()}
    reasons = {key: text for key, text in reasons.items() if text}
    if not reasons:
        raise ValidationError({"reasons": "Say, for at least one criterion, why you disagree."})
    if unknown := sorted(set(reasons) - keys):
        raise ValidationError({"reasons": f"Not criteria of this rubric: {', '.join(unknown)}."})
    if any(len(text) > REASON_MAX for text in reasons.values()):
        raise ValidationError({"reasons": f"Keep each reason under {REASON_MAX} characters."})
    return Dispute.objects.create(score=score, agent=agent, reasons=reasons)


def may_resolve(dispute: Dispute, user: User) -> bool:
    """A manager whose scope holds the score's cohort, or a coach of that cohort (one of its
    review plan's coaches or a facilitator) who did not give the score."""
    score = dispute.score
    if user.pk == score.scorer_id or user.pk == score.subject_id:
        return False
    if user.is_superuser:
        return True
    if score.cohort_id is None:
        return False
    if user.is_manager:
        return managed_cohorts(user=user).filter(pk=score.cohort_id).exists()
    if user.role == User.Role.COACH:
        return (
            score.cohort.facilitators.filter(pk=user.pk).exists()
            or ReviewPlan.objects.filter(cohort_id=score.cohort_id, coaches=user).exists()
        )
    return False


@transaction.atomic
def dispute_resolve(
    *,
    dispute: Dispute,
    by: User,
    outcome: str,
    reply: str,
    values: dict | None = None,
    now=None,
) -> Dispute:
    """Uphold, adjust (with the new criterion scores) or reject, with a reply."""
    now = now or timezone.now()
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("score__rubric")
        .get(pk=dispute.pk)
    )
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError({"status": "This dispute is already resolved."})
    if not may_resolve(dispute, by):
        raise ValidationError(
            {"resolved_by": "A manager of the cohort or another of its coaches resolves it, "
             "never the scorer."}
        )  # fmt: skip
    if outcome not in (Dispute.Status.UPHELD, Dispute.Status.ADJUSTED, Dispute.Status.REJECTED):
        raise ValidationError({"outcome": "Choose upheld, adjusted or rejected."})
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": "Reply to the agent: say why."})
    original = dispute.score
    if outcome == Dispute.Status.ADJUSTED:
        merged = {**original.values, **(values or {})}
        if merged == original.values:
            raise ValidationError({"values": "An adjustment changes at least one score."})
        adjusted = rubric_score_create(
            rubric=original.rubric, scorer=by, subject=original.subject,
            context=RubricScore.Context.QA, values=merged, scored_at=original.scored_at,
            cohort=original.cohort, interaction_ref=original.interaction_ref,
            comments=original.comments, strength=original.strength,
            next_step=original.next_step,
        )  # fmt: skip
        RubricScore.objects.filter(pk=original.pk).update(superseded_by=adjusted)
        dispute.adjusted_score = adjusted
        enrollment = Enrollment.objects.filter(
            cohort_id=original.cohort_id, agent_id=original.subject_id,
            status=Enrollment.Status.ACTIVE,
        ).first()  # fmt: skip
        if enrollment is not None:
            from certification.services import enqueue_evaluation

            enqueue_evaluation(enrollment_id=enrollment.pk)
    dispute.status = outcome
    dispute.reply = reply
    dispute.resolved_by = by
    dispute.resolved_at = now
    dispute.save()
    return dispute


def disputes_visible_to(*, user):
    """Agents: their own; managers: those of cohorts in their scope; coaches: those of the
    cohorts they coach or facilitate; HR: none."""
    disputes = Dispute.objects.select_related("score__rubric", "score__scorer", "agent")
    if not user.is_authenticated:  # the schema generator asks as nobody
        return disputes.none()
    if user.is_superuser:
        return disputes
    if user.is_manager:
        return disputes.filter(score__cohort__in=managed_cohorts(user=user))
    if user.role == User.Role.COACH:
        coached = ReviewPlan.objects.filter(coaches=user).values("cohort")
        return disputes.filter(
            Q(score__cohort__in=coached) | Q(score__cohort__facilitators=user)
        ).distinct()
    if user.role == User.Role.AGENT:
        return disputes.filter(agent=user)
    return disputes.none()


UNREAD_DAYS = 7


def unread_feedback_visible_to(*, user, now=None):
    """QA and role-play scores in the reader's cohorts that their agent has not
    acknowledged UNREAD_DAYS after they were given (managers and coaches follow them up)."""
    now = now or timezone.now()
    scores = RubricScore.objects.filter(
        context__in=[RubricScore.Context.QA, RubricScore.Context.ROLE_PLAY],
        acknowledged_at__isnull=True,
        superseded_by__isnull=True,
        scored_at__lt=now - datetime.timedelta(days=UNREAD_DAYS),
    ).select_related("subject", "scorer")
    if user.is_superuser:
        return scores
    if user.is_manager:
        return scores.filter(cohort__in=managed_cohorts(user=user))
    if user.role == User.Role.COACH:
        coached = ReviewPlan.objects.filter(coaches=user).values("cohort")
        return scores.filter(
            Q(cohort__in=coached) | Q(cohort__facilitators=user) | Q(scorer=user)
        ).distinct()
    return scores.none()
