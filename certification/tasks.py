"""Certification tasks: take ids, re-fetch, call one service."""

from celery import shared_task

from certification import services
from certification.models import CertificationDecision
from cohorts.models import Enrollment


@shared_task
def certification_evaluate_task(enrollment_id: int) -> int | None:
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return None
    decision = services.certification_evaluate(enrollment=enrollment)
    return decision.pk if decision else None


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def badge_award_task(decision_id: int) -> str | None:
    decision = CertificationDecision.objects.select_related("agent", "program").get(pk=decision_id)
    assertion = services.badge_award(decision=decision)
    return str(assertion.uuid) if assertion else None
