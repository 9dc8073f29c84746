"""Reads of certification data, scoped to who asks."""

from django.db.models import QuerySet

from certification.models import CertificationDecision, CertificationGate, RolePlayAssessment
from cohorts.scope import managed_cohorts
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
