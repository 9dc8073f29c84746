"""Reconciliation checks for certification (see jobs/reconciliation.py): an agent who meets
the gate without a decision, a valid decision without its badge.

Both call the services the normal path calls (`certification_evaluate`, `badge_award`),
which are idempotent, so a check that races the normal path's task does the work once.
"""

import datetime

from django.db.models import DateTimeField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from certification import services
from certification.models import (
    CERTIFIABLE_CONTEXTS,
    RECERTIFICATION_WINDOW,
    CertificationDecision,
    DecisionStatus,
    RolePlayAssessment,
)
from cohorts.models import Enrollment, RubricScore
from jobs.reconciliation import IN_FLIGHT, Finding

# Agents looked at per run; the rest wait for the next run (newest enrolments first).
CANDIDATES_PER_RUN = 200
DECISIONS_PER_RUN = 200
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def undecided_candidates(*, now: datetime.datetime):
    """Enrolments that could meet the gate and have no decision that settles it, in one
    query. Each condition is necessary for `certification_evaluate` to decide, so nobody who
    meets the gate is left out; the gate itself (averages, modules) is then checked per
    candidate:

    - not withdrawn;
    - no certification that is valid and not yet renewable (valid, outside the
      recertification window): evaluating those returns the decision they have;
    - a counted score (a certifiable context, the program's rubric, in force) newer than the
      agent's latest live decision: a renewal counts only evidence from its window, which
      opens after that decision was made; a first certification needs any score;
    - unless the gate waives the role-play: a passed role-play on the same rubric, newer than
      that decision too;
    - no score of theirs on this rubric recorded in the last IN_FLIGHT: the evaluation that
      score queued is probably still on its way, and is not something that was missed.
    """
    live = CertificationDecision.objects.filter(
        agent_id=OuterRef("agent_id"), program_id=OuterRef("program_id"), revoked_at__isnull=True
    )
    renewable_from = now + RECERTIFICATION_WINDOW
    settled = live.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=renewable_from))
    latest_decided = live.order_by("-decided_at").values("decided_at")[:1]
    same_rubric_scores = RubricScore.objects.filter(
        subject_id=OuterRef("agent_id"), rubric__name=OuterRef("program__rubric__name")
    )
    counted_scores = same_rubric_scores.filter(
        context__in=CERTIFIABLE_CONTEXTS,
        superseded_by__isnull=True,
        scored_at__gt=OuterRef("evidence_since"),
    )
    passed_role_plays = RolePlayAssessment.objects.filter(
        enrollment__agent_id=OuterRef("agent_id"),
        enrollment__program__rubric__name=OuterRef("program__rubric__name"),
        status=RolePlayAssessment.Status.PASSED,
        assessed_at__gt=OuterRef("evidence_since"),
    )
    return (
        Enrollment.objects.exclude(status=Enrollment.Status.WITHDRAWN)
        .exclude(Exists(settled))
        .annotate(
            evidence_since=Coalesce(
                Subquery(latest_decided), Value(EPOCH, output_field=DateTimeField())
            )
        )
        .filter(Exists(counted_scores))
        .filter(
            Q(program__certification_gate__requires_role_play=False) | Exists(passed_role_plays)
        )
        .exclude(Exists(same_rubric_scores.filter(created_at__gt=now - IN_FLIGHT)))
        .select_related("agent", "cohort", "program__rubric")
        .order_by("-pk")[:CANDIDATES_PER_RUN]
    )


def _label(enrollment: Enrollment) -> str:
    return f"{enrollment.agent} in {enrollment.cohort} (enrolment {enrollment.pk})"


def gate_met_without_decision(now: datetime.datetime, fix: bool) -> list[Finding]:
    """Agents who meet every criterion of the gate but hold no decision for it (the
    evaluation their last score or role-play queued was lost): evaluate them now."""
    check, findings = "gate_met_without_decision", []
    for enrollment in undecided_candidates(now=now):
        status = services.certification_status(enrollment=enrollment, now=now)
        if not status.eligible or (status.decision and status.renews is None):
            continue
        if not fix:
            findings.append(Finding(check, _label(enrollment), "would evaluate"))
            continue
        decision = services.certification_evaluate(enrollment=enrollment, now=now)
        if decision is not None and decision != status.decision:
            action = f"evaluated: certified (decision {decision.pk})"
            findings.append(Finding(check, _label(enrollment), action))
    return findings


def decision_without_badge(now: datetime.datetime, fix: bool) -> list[Finding]:
    """Valid decisions made more than IN_FLIGHT ago that have no badge (the award task
    was lost): award it, with its congratulation e-mail, once."""
    decisions = (
        CertificationDecision.objects.with_status(DecisionStatus.VALID, now)
        .filter(assertion__isnull=True, decided_at__lte=now - IN_FLIGHT)
        .select_related("agent", "program")
        .order_by("decided_at", "pk")[:DECISIONS_PER_RUN]
    )
    findings = []
    for decision in decisions:
        label = f"{decision.agent} on {decision.program} (decision {decision.pk})"
        if not fix:
            findings.append(Finding("decision_without_badge", label, "would award the badge"))
            continue
        assertion = services.badge_award(decision=decision)
        if assertion is not None:
            action = f"badge awarded ({assertion.uuid})"
            findings.append(Finding("decision_without_badge", label, action))
    return findings
