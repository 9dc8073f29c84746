"""Reconciliation check for cohorts (see jobs/reconciliation.py): a started cohort whose
schedule was laid out before its program's phases, workshops or modules last changed."""

import datetime

from django.db.models import F, Q

from cohorts import services
from cohorts.models import Cohort
from jobs.reconciliation import IN_FLIGHT, Finding

COHORTS_PER_RUN = 200


def stale_cohorts(*, now: datetime.datetime):
    """Started cohorts whose schedule is older than their program's content (or was never
    laid out), in one query. A change younger than IN_FLIGHT is left to the resync it
    queued."""
    return (
        Cohort.objects.filter(status__in=Cohort.STARTED_STATUSES)
        .filter(
            Q(schedule_laid_at__isnull=True)
            | Q(
                schedule_laid_at__lt=F("program__content_changed_at"),
                program__content_changed_at__lte=now - IN_FLIGHT,
            )
        )
        .select_related("program")
        .order_by("pk")[:COHORTS_PER_RUN]
    )


def schedule_older_than_program(now: datetime.datetime, fix: bool) -> list[Finding]:
    """Resync each stale cohort's future schedule and pairs with its program (what the
    program edit's task would have done)."""
    findings = []
    for cohort in stale_cohorts(now=now):
        label = f"{cohort} ({cohort.program}, cohort {cohort.pk})"
        if not fix:
            findings.append(Finding("schedule_older_than_program", label, "would resync"))
            continue
        result = services.cohort_resync(cohort=cohort, now=now)
        action = "resynced: {created} created, {updated} updated, {cancelled} cancelled"
        findings.append(Finding("schedule_older_than_program", label, action.format(**result)))
    return findings
