"""Reads of certification data, scoped to who asks."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from certification.models import CertificationDecision, CertificationGate, RolePlayAssessment
from certification.services import (
    CertificationStatus,
    certification_status,
    role_play_attempt_errors,
)
from cohorts.models import Cohort, Enrollment
from cohorts.scope import managed_cohorts, manages_cohort
from programs.selectors import program_visible_to


def gate_visible_to(*, user) -> QuerySet[CertificationGate]:
    """Everyone signed in reads the gates of published programs (agents see what they must
    reach); a draft program's gate is read by training managers only, like the draft."""
    if not user.is_authenticated:
        return CertificationGate.objects.none()
    return CertificationGate.objects.filter(program__in=program_visible_to(user=user))


def assessment_visible_to(*, user) -> QuerySet[RolePlayAssessment]:
    """Agents see their own role-plays, assessors the ones they assess, facilitators their
    cohorts'. HR sees none (assessment notes are feedback)."""
    if not user.is_authenticated or user.is_hr:
        return RolePlayAssessment.objects.none()
    if user.is_manager:
        return RolePlayAssessment.objects.filter(
            enrollment__cohort__in=managed_cohorts(user=user)
        ) | (RolePlayAssessment.objects.filter(assessor=user))
    return RolePlayAssessment.objects.filter(enrollment__agent=user) | (
        RolePlayAssessment.objects.filter(assessor=user)
    )


def decision_visible_to(*, user) -> QuerySet[CertificationDecision]:
    if not user.is_authenticated or user.is_hr:
        return CertificationDecision.objects.none()
    if user.is_manager:
        return CertificationDecision.objects.filter(
            enrollment__cohort__in=managed_cohorts(user=user)
        )
    return CertificationDecision.objects.filter(agent=user)


# --- A cohort's certification queue --------------------------------------------------------


@dataclass
class QueuedAgent:
    status: CertificationStatus
    reason: str = ""


@dataclass
class CertificationQueue:
    """Who may book the role-play now, who meets the other criteria but must wait, who is
    still working towards them (recertifying agents included: expired, or expiring within
    the window); the role-plays booked and assessed; the decisions made, each with its
    computed `status` and `expiring_soon`."""

    ready: list[QueuedAgent] = field(default_factory=list)
    waiting: list[QueuedAgent] = field(default_factory=list)
    working: list[QueuedAgent] = field(default_factory=list)
    booked: list[RolePlayAssessment] = field(default_factory=list)
    assessed: list[RolePlayAssessment] = field(default_factory=list)
    decisions: list[CertificationDecision] = field(default_factory=list)


def certification_queue(*, cohort: Cohort, user, now=None) -> CertificationQueue:
    """The cohort's queue as `user` may see it: a manager whose cohort it is sees everyone
    (agents are placed with the gate's own evaluation, `certification_status`, and the
    booking rules); an assessor sees only the role-plays assigned to them."""
    now = now or timezone.now()
    queue = CertificationQueue()
    manages = manages_cohort(user=user, cohort=cohort)
    plays = (
        assessment_visible_to(user=user)
        .filter(enrollment__cohort=cohort)
        .select_related("enrollment__agent", "scenario", "assessor", "score")
        .order_by("scheduled_at", "created_at", "pk")
    )
    if not manages:
        plays = plays.filter(assessor=user)
    queue.booked = [p for p in plays if p.status == RolePlayAssessment.Status.BOOKED]
    queue.assessed = sorted(
        (p for p in plays if p.status != RolePlayAssessment.Status.BOOKED),
        key=lambda p: p.assessed_at,
        reverse=True,
    )
    if not manages:
        return queue
    queue.decisions = list(
        decision_visible_to(user=user)
        .filter(enrollment__cohort=cohort)
        .select_related("agent", "revoked_by", "previous", "renewed_by")
    )
    for decision in queue.decisions:
        decision.status = decision.status_at(now)
        decision.expiring_soon = decision.expiring_soon_at(now)
    booked = {p.enrollment_id for p in queue.booked}
    active = cohort.enrollments.filter(status=Enrollment.Status.ACTIVE).select_related(
        "agent", "program__rubric", "cohort"
    )
    for enrollment in active.order_by("agent__display_name", "agent__email"):
        status = certification_status(enrollment=enrollment, now=now)
        certified = status.decision and status.renews is None
        if certified or not status.gate.requires_role_play or enrollment.pk in booked:
            continue
        missing = [c.detail for c in status.criteria if c.key != "role_play" and not c.met]
        if missing:
            queue.working.append(QueuedAgent(status, "; ".join(missing)))
        elif reasons := role_play_attempt_errors(
            enrollment=enrollment, gate=status.gate, now=now, since=status.evidence_since
        ):
            queue.waiting.append(QueuedAgent(status, " ".join(reasons)))
        else:
            queue.ready.append(QueuedAgent(status))
    return queue
