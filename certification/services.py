"""Certification operations: booking and assessing role-plays, evaluating the gate,
awarding and revoking badges. Each is atomic and says what it guarantees."""

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Outbox, ReminderKind, User
from certification import openbadges
from certification.models import (
    CERTIFIABLE_CONTEXTS,
    BadgeAssertion,
    BadgeClass,
    CertificationDecision,
    CertificationGate,
    RolePlayAssessment,
)
from certification.png import badge_png
from cohorts.models import CoachingPairMember, Enrollment, ModuleProgress, RubricScore
from cohorts.services import rubric_score_create
from programs.models import Program, ScenarioCard

PERCENT = Decimal("0.01")

# --- Gate and badge class ------------------------------------------------------------------


def gate_for(*, program: Program) -> CertificationGate:
    """The program's gate, created with the defaults (70%, last 3 scores, a role-play)."""
    gate, _ = CertificationGate.objects.get_or_create(program=program)
    return gate


def badge_class_for(*, program: Program) -> BadgeClass:
    """The badge the program's certification earns, created on first use.

    The narrative and the image are callables, so they are only built when the class is
    created, not on every award."""
    badge_class, _ = BadgeClass.objects.get_or_create(
        program=program,
        defaults={
            "name": f"{program.name}: certified",
            "description": (
                f"Awarded to customer-support agents who completed {program.name} and showed "
                "empathy skills on assessed interactions and a live role-play."
            ),
            "criteria_narrative": lambda: criteria_narrative(gate_for(program=program)),
            "image": lambda: badge_class_image(program=program),
        },
    )
    return badge_class


def badge_class_image(*, program: Program) -> bytes:
    """The badge's picture: a medal with the program's name, the level and the issuer."""
    return badge_png(
        title=program.name, level="Certified", issuer=settings.ATTUNE_BADGE_ISSUER_NAME
    )


def criteria_narrative(gate: CertificationGate) -> str:
    parts = [
        f"An average of at least {_percent(gate.threshold_percent)} on the empathy rubric over the "
        f"{gate.recent_scores} most recent assessed interactions "
        f"({', '.join(sorted(gate.counted_contexts))})."
    ]
    if gate.requires_role_play:
        parts.append("A live role-play passed, assessed by a certified assessor.")
    if gate.validity_days:
        parts.append(f"Valid for {gate.validity_days} days; recertify before it expires.")
    return " ".join(parts)


# --- Role-plays ----------------------------------------------------------------------------


def _assessor_errors(*, assessor: User, enrollment: Enrollment, now) -> list[str]:
    if assessor.pk == enrollment.agent_id:
        return ["Nobody assesses their own role-play."]
    partner = CoachingPairMember.objects.filter(
        enrollment__agent=assessor, pair__members__enrollment=enrollment
    ).exists()
    if partner:
        return [f"{assessor} is {enrollment.agent}'s coaching partner and cannot assess them."]
    certified = CertificationDecision.objects.filter(
        agent=assessor, program_id=enrollment.program_id, revoked_at__isnull=True
    ).exclude(expires_at__lte=now)
    if assessor.role in (User.Role.COACH, User.Role.MANAGER) or certified.exists():
        return []
    return [f"{assessor} is not a certified assessor for this program."]


def role_play_attempt_errors(
    *, enrollment: Enrollment, gate: CertificationGate, now, since=None
) -> list[str]:
    """Why the agent may not book a role-play now (one booked, attempts used, passed
    already, cooling down); empty when they may. When recertifying, only attempts assessed
    after `since` (the opening of the recertification window) count."""
    attempts = enrollment.role_plays.exclude(status=RolePlayAssessment.Status.BOOKED)
    if since is not None:
        attempts = attempts.filter(assessed_at__gt=since)
    if enrollment.role_plays.filter(status=RolePlayAssessment.Status.BOOKED).exists():
        return ["A role-play is already booked; assess or cancel it first."]
    if gate.attempt_limit is not None and attempts.count() >= gate.attempt_limit:
        return [f"All {gate.attempt_limit} role-play attempts have been used."]
    if attempts.filter(status=RolePlayAssessment.Status.PASSED).exists():
        return ["The role-play has been passed already."]
    last_failed = attempts.filter(status=RolePlayAssessment.Status.FAILED).first()
    if last_failed:
        next_attempt = last_failed.assessed_at + datetime.timedelta(days=gate.cooldown_days)
        if now < next_attempt:
            return [f"The next attempt is possible from {next_attempt:%Y-%m-%d %H:%M} UTC."]
    return []


def role_play_booking_errors(
    *, enrollment: Enrollment, scenario: ScenarioCard, assessor: User, now=None
) -> dict[str, list[str]]:
    """Why this booking is not allowed, by field; empty when it is."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        errors["enrollment"] = ["This agent has withdrawn from the program."]
    if scenario.program_id != enrollment.program_id:
        errors["scenario"] = ["Choose a scenario card of the agent's program."]
    if assessor_errors := _assessor_errors(assessor=assessor, enrollment=enrollment, now=now):
        errors["assessor"] = assessor_errors
    gate = gate_for(program=enrollment.program)
    renews = decision_to_renew(
        decisions=CertificationDecision.objects.filter(
            agent_id=enrollment.agent_id, program_id=enrollment.program_id
        ),
        now=now,
    )
    since = renews.recertification_opens_at if renews else None
    if attempt_errors := role_play_attempt_errors(
        enrollment=enrollment, gate=gate, now=now, since=since
    ):
        errors["enrollment"] = errors.get("enrollment", []) + attempt_errors
    return errors


@transaction.atomic
def role_play_book(
    *,
    enrollment: Enrollment,
    scenario: ScenarioCard,
    assessor: User,
    scheduled_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> RolePlayAssessment:
    """Book a live role-play, once the assessor, the attempt limit and cooldown allow it."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    errors = role_play_booking_errors(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=now
    )
    if errors:
        raise ValidationError(errors)
    return RolePlayAssessment.objects.create(
        enrollment=enrollment, scenario=scenario, assessor=assessor, scheduled_at=scheduled_at
    )


@transaction.atomic
def role_play_assess(
    *,
    assessment: RolePlayAssessment,
    by: User,
    values: dict,
    passed: bool,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> RolePlayAssessment:
    """The booked assessor scores the role-play with the program's rubric and passes or
    fails it; the agent's certification is then evaluated once this commits."""
    now = now or timezone.now()
    assessment = RolePlayAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != RolePlayAssessment.Status.BOOKED:
        raise ValidationError({"status": "This role-play has been assessed already."})
    if by.pk != assessment.assessor_id:
        raise ValidationError({"assessor": "Only the booked assessor records the outcome."})
    enrollment = assessment.enrollment
    score = rubric_score_create(
        rubric=enrollment.program.rubric,
        scorer=by,
        subject=enrollment.agent,
        context=RubricScore.Context.ROLE_PLAY,
        observed=RubricScore.Observed.ROLE_PLAY,
        values=values,
        scored_at=now,
        cohort=enrollment.cohort,
        feedback=notes,
    )
    assessment.score = score
    assessment.status = (
        RolePlayAssessment.Status.PASSED if passed else RolePlayAssessment.Status.FAILED
    )
    assessment.notes = notes
    assessment.assessed_at = now
    assessment.save(update_fields=["score", "status", "notes", "assessed_at"])
    # A refresher's role-play may recertify the agent in the program it refreshes (same
    # rubric): evaluate every enrolment of theirs that this evidence can count for.
    for enrollment_id in _same_rubric_enrollments(enrollment):
        enqueue_evaluation(enrollment_id=enrollment_id)
    return assessment


def _same_rubric_enrollments(enrollment: Enrollment) -> list[int]:
    """The agent's enrolments (not withdrawn) in programs scored on this one's rubric."""
    return list(
        Enrollment.objects.filter(
            agent_id=enrollment.agent_id,
            program__rubric__name=enrollment.program.rubric.name,
        )
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .values_list("pk", flat=True)
    )


def enqueue_evaluation(*, enrollment_id: int) -> None:
    """Evaluate the agent's certification once the current transaction commits. The work is
    recorded with the change (a task intent), so a broker outage delays it but never loses
    it."""
    from certification.tasks import certification_evaluate_task
    from jobs.services import intent_record

    intent_record(task=certification_evaluate_task, args=[enrollment_id])


# --- Status and evaluation -----------------------------------------------------------------


@dataclass
class Criterion:
    key: str
    met: bool
    detail: str


@dataclass
class CertificationStatus:
    enrollment: Enrollment
    gate: CertificationGate
    criteria: list[Criterion] = field(default_factory=list)
    scores: list[RubricScore] = field(default_factory=list)
    average: Decimal | None = None
    role_play: RolePlayAssessment | None = None
    decision: CertificationDecision | None = None
    # The certification a new decision would renew: an expired one, or a valid one within
    # the recertification window. Evidence then counts only from `evidence_since`.
    renews: CertificationDecision | None = None
    evidence_since: datetime.datetime | None = None
    expiring_soon: bool = False

    @property
    def eligible(self) -> bool:
        return all(criterion.met for criterion in self.criteria)

    @property
    def expires_at(self) -> datetime.datetime | None:
        """When the valid certification expires (None: not certified, or never expires)."""
        return self.decision.expires_at if self.decision else None

    @property
    def expired_decision(self) -> CertificationDecision | None:
        """The expired certification, when the agent holds no valid one: recertify."""
        if self.decision is None and self.renews is not None:
            return self.renews
        return None


def decision_to_renew(*, decisions, now) -> CertificationDecision | None:
    """Of an agent's decisions on a program, the one a recertification renews: the latest
    not revoked, once it is expired or within the recertification window; else None."""
    latest = next((d for d in decisions if d.revoked_at is None), None)
    if latest is None or latest.recertification_opens_at is None:
        return None
    if latest.is_valid_at(now) and now < latest.recertification_opens_at:
        return None
    return latest


def _counted_scores(
    enrollment: Enrollment, gate: CertificationGate, since=None
) -> list[RubricScore]:
    rubric = enrollment.program.rubric
    scores = RubricScore.objects.filter(
        subject_id=enrollment.agent_id,
        context__in=set(gate.counted_contexts) & set(CERTIFIABLE_CONTEXTS),
        rubric__name=rubric.name,
        superseded_by__isnull=True,  # the score in force, after any dispute
    )
    if since is not None:
        scores = scores.filter(scored_at__gt=since)
    return list(scores.order_by("-scored_at", "-id")[: gate.recent_scores])


def _percent(value: Decimal) -> str:
    """74.00 -> "74%", 69.67 -> "69.67%": never rounds a miss up to the bar."""
    return f"{value.normalize():f}%"


def rubric_average(*, percents, gate: CertificationGate) -> Decimal | None:
    """The average of the gate's most recent scores (`percents` newest first), to the
    cent; None while there are fewer scores than the gate counts."""
    recent = list(percents)[: gate.recent_scores]
    if len(recent) < gate.recent_scores:
        return None
    return (sum(recent) / len(recent)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def _rubric_criterion(status: CertificationStatus) -> Criterion:
    gate, scores = status.gate, status.scores
    needed = f"needs {_percent(gate.threshold_percent)}"
    status.average = rubric_average(percents=[s.percent for s in scores], gate=gate)
    if status.average is None:
        return Criterion(
            "rubric",
            False,
            f"{len(scores)} of {gate.recent_scores} assessed interactions so far ({needed} "
            f"over the last {gate.recent_scores})",
        )
    met = status.average >= gate.threshold_percent
    return Criterion(
        "rubric",
        met,
        f"rubric {_percent(status.average)} over your last {len(scores)} assessed interactions "
        f"({needed}) - {'met' if met else 'not yet'}",
    )


def _role_play_criterion(status: CertificationStatus, now) -> Criterion:
    plays = status.enrollment.role_plays.order_by("-created_at", "-id")
    if status.evidence_since is not None:
        # Recertifying: the role-play that certified last time does not count again.
        plays = plays.filter(
            Q(status=RolePlayAssessment.Status.BOOKED) | Q(assessed_at__gt=status.evidence_since)
        )
    plays = list(plays)
    passed = next((p for p in plays if p.status == RolePlayAssessment.Status.PASSED), None)
    if passed is None and status.evidence_since is not None:
        # Recertifying: a live role-play passed in a refresher (another program on the same
        # rubric) counts too, as its score does.
        passed = (
            RolePlayAssessment.objects.filter(
                enrollment__agent_id=status.enrollment.agent_id,
                enrollment__program__rubric__name=status.enrollment.program.rubric.name,
                status=RolePlayAssessment.Status.PASSED,
                assessed_at__gt=status.evidence_since,
            )
            .order_by("-assessed_at", "-id")
            .first()
        )
    if passed:
        status.role_play = passed
        return Criterion(
            "role_play", True, f"live role-play passed on {passed.assessed_at:%Y-%m-%d}"
        )
    if not plays:
        return Criterion("role_play", False, "live role-play - not yet booked")
    latest = plays[0]
    if latest.status == RolePlayAssessment.Status.BOOKED:
        when = f" for {latest.scheduled_at:%Y-%m-%d %H:%M} UTC" if latest.scheduled_at else ""
        return Criterion("role_play", False, f"live role-play - booked{when}")
    retry = latest.assessed_at + datetime.timedelta(days=status.gate.cooldown_days)
    return Criterion(
        "role_play",
        False,
        f"live role-play not passed on {latest.assessed_at:%Y-%m-%d}; "
        f"next attempt from {max(retry, now):%Y-%m-%d}",
    )


def _modules_criterion(status: CertificationStatus) -> Criterion | None:
    required = list(status.gate.required_modules.all())
    if not required:
        return None
    done = ModuleProgress.objects.filter(
        enrollment=status.enrollment,
        item__module__in=required,
        prework_done_at__isnull=False,
        practice_attended_at__isnull=False,
    ).count()
    return Criterion(
        "modules", done >= len(required), f"{done} of {len(required)} required modules completed"
    )


def certification_status(
    *, enrollment: Enrollment, now: datetime.datetime | None = None
) -> CertificationStatus:
    """Where the agent stands, criterion by criterion, and their valid certification if any.

    Once a certification is expired, or within the recertification window before its
    expiry, the criteria are those of the recertification: only scores and role-plays
    after the window opened count (`evidence_since`)."""
    now = now or timezone.now()
    gate = gate_for(program=enrollment.program)
    status = CertificationStatus(enrollment=enrollment, gate=gate)
    decisions = list(
        CertificationDecision.objects.filter(
            agent_id=enrollment.agent_id, program_id=enrollment.program_id
        )
    )
    status.decision = next((d for d in decisions if d.is_valid_at(now)), None)
    status.renews = decision_to_renew(decisions=decisions, now=now)
    if status.renews is not None:
        status.evidence_since = status.renews.recertification_opens_at
        status.expiring_soon = status.renews.is_valid_at(now)
    status.scores = _counted_scores(enrollment, gate, since=status.evidence_since)
    status.criteria.append(_rubric_criterion(status))
    if gate.requires_role_play:
        status.criteria.append(_role_play_criterion(status, now))
    if modules := _modules_criterion(status):
        status.criteria.append(modules)
    return status


def _evidence(status: CertificationStatus) -> dict:
    evidence = {
        "scores": [
            {
                "id": s.pk,
                "percent": str(s.percent),
                "context": s.context,
                "rubric": s.rubric_id,
                "scored_at": s.scored_at.isoformat(),
            }
            for s in status.scores
        ],
        "average_percent": str(status.average),
        "role_play": status.role_play
        and {
            "id": status.role_play.pk,
            "score": status.role_play.score_id,
            "assessor": status.role_play.assessor_id,
            "assessed_at": status.role_play.assessed_at.isoformat(),
        },
        "criteria": [{"key": c.key, "met": c.met, "detail": c.detail} for c in status.criteria],
        "gate": status.gate.settings_snapshot(),
    }
    if status.renews is not None:
        evidence["renews"] = status.renews.pk
        evidence["evidence_since"] = status.evidence_since.isoformat()
    return evidence


def _evidence_hash(evidence: dict) -> str:
    # Details are prose (they mention dates); the hash covers what decided, not how it read.
    decisive = {key: value for key, value in evidence.items() if key != "criteria"}
    return hashlib.sha256(json.dumps(decisive, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def certification_evaluate(
    *, enrollment: Enrollment, now: datetime.datetime | None = None
) -> CertificationDecision | None:
    """Certify the agent if every criterion of the gate is met.

    Records an immutable evidence snapshot. Safe to re-run: an agent with a valid
    certification outside the recertification window gets nothing new, and the same
    evidence never yields two decisions (a unique constraint on agent, program and the
    evidence's hash). A recertification (the previous certification expired, or expires
    within the window) is a new decision linked to the one it renews, with a fresh expiry
    counted from now; a decision is renewed at most once (a unique `previous`). The badge
    is awarded by a task queued once the decision commits. Returns the valid decision, or
    None.
    """
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    status = certification_status(enrollment=enrollment, now=now)
    if status.decision and status.renews is None:
        return status.decision
    if not status.eligible or enrollment.status == Enrollment.Status.WITHDRAWN:
        return status.decision
    evidence = _evidence(status)
    validity = status.gate.validity_days
    try:
        decision, created = CertificationDecision.objects.get_or_create(
            agent_id=enrollment.agent_id,
            program_id=enrollment.program_id,
            evidence_hash=_evidence_hash(evidence),
            defaults={
                "enrollment": enrollment,
                "evidence": evidence,
                "decided_at": now,
                "expires_at": now + datetime.timedelta(days=validity) if validity else None,
                "previous": status.renews,
            },
        )
    except IntegrityError:
        # Another enrolment's evaluation renewed the same certification a moment ago.
        decision, created = CertificationDecision.objects.get(previous=status.renews), False
    if created:
        from certification.tasks import badge_award_task
        from jobs.services import intent_record

        if status.renews is not None:
            expiry_notices_cancel(decision=status.renews)

        intent_record(task=badge_award_task, args=[decision.pk])
    return decision if decision.is_valid_at(now) else status.decision


# --- Badges --------------------------------------------------------------------------------


def recipient_identity(email: str, salt: str) -> str:
    """Open Badges hashed identity: sha256 of the address followed by the salt."""
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def badge_award(*, decision: CertificationDecision) -> BadgeAssertion | None:
    """The badge for a certification: exactly one per decision, however often this runs
    (retries, duplicate deliveries, two workers at once), and one congratulation e-mail."""
    if decision.revoked_at:
        return None
    badge_class = badge_class_for(program=decision.program)
    salt = secrets.token_hex(16)
    try:
        with transaction.atomic():
            assertion = BadgeAssertion.objects.create(
                badge_class=badge_class,
                decision=decision,
                recipient=decision.agent,
                recipient_salt=salt,
                recipient_hash=recipient_identity(decision.agent.email, salt),
                issued_on=decision.decided_at,
                expires_on=decision.expires_at,
                evidence_narrative=evidence_narrative(decision.evidence),
            )
    except IntegrityError:
        assertion = BadgeAssertion.objects.get(decision=decision)
    badge_congratulate(assertion=assertion)
    return assertion


def evidence_narrative(evidence: dict) -> str:
    """What the certification rested on, for anyone who verifies the badge: in the third
    person ("they"), because the reader is not the agent (the agent's own status page says
    "your last 3"). Built from the decision's evidence snapshot, so it never changes."""
    gate = evidence.get("gate", {})
    sentences = []
    scores = evidence.get("scores") or []
    if scores and evidence.get("average_percent") not in (None, "None"):
        average = _percent(Decimal(evidence["average_percent"]))
        needed = _percent(Decimal(gate.get("threshold_percent", "0")))
        sentences.append(
            f"They averaged {average} on the empathy rubric over their last {len(scores)} "
            f"assessed interactions ({needed} needed)."
        )
    if role_play := evidence.get("role_play"):
        day = datetime.datetime.fromisoformat(role_play["assessed_at"])
        sentences.append(
            f"They passed a live role-play, assessed by a certified assessor, on "
            f"{day.day} {day:%B %Y}."
        )
    if modules := gate.get("required_modules"):
        sentences.append(f"They completed all {len(modules)} required modules.")
    return " ".join(sentences)


@transaction.atomic
def badge_congratulate(*, assertion: BadgeAssertion) -> bool:
    """Send the congratulation e-mail once: only the run that claims the row sends it."""
    claimed = BadgeAssertion.objects.filter(pk=assertion.pk, congratulated_at__isnull=True).update(
        congratulated_at=timezone.now()
    )
    if claimed != 1:
        return False
    agent = assertion.recipient
    program = assertion.badge_class.program.name
    renewal = assertion.decision.previous_id is not None
    certified = (
        f"You are recertified on {program}" if renewal else f"You are certified on {program}"
    )
    if assertion.expires_on:
        until = assertion.expires_on.astimezone(ZoneInfo(agent.time_zone or "UTC"))
        certified += f", until {until.day} {until:%B %Y}"
    send_mail(
        subject=(
            f"You recertified: a new badge “{assertion.badge_class.name}”"
            if renewal
            else f"You earned the badge “{assertion.badge_class.name}”"
        ),
        message=(
            f"Congratulations, {agent.get_short_name()}!\n\n"
            f"{certified}. Your badge can be "
            f"verified by anyone at:\n{openbadges.verify_url(assertion)}\n\n"
            f"Download it, with the proof baked in, from:\n{openbadges.baked_url(assertion)}\n"
        ),
        from_email=None,
        recipient_list=[agent.email],
    )
    return True


@transaction.atomic
def certification_revoke(
    *, decision: CertificationDecision, by: User, reason: str, now=None
) -> CertificationDecision:
    """Revoke a certification and its badge. Both rows stay, with who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the certification is revoked."})
    now = now or timezone.now()
    decision = CertificationDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.revoked_at:
        raise ValidationError({"reason": "This certification was revoked already."})
    decision.revoked_at, decision.revoked_by, decision.revocation_reason = now, by, reason
    decision.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    BadgeAssertion.objects.filter(decision=decision).update(
        revoked=True, revocation_reason=reason, revoked_at=now
    )
    expiry_notices_cancel(decision=decision)
    return decision


def expiry_notices_cancel(*, decision: CertificationDecision) -> int:
    """Cancel the badge-expiry notices of a revoked or renewed certification that are
    written but not sent (the sweep writes them up to a day ahead). Returns how many."""
    return Outbox.objects.filter(
        kind=ReminderKind.BADGE_EXPIRING,
        object_type="badgeassertion",
        object_id__in=BadgeAssertion.objects.filter(decision=decision).values("pk"),
        status__in=[Outbox.Status.PENDING, Outbox.Status.FAILED],
    ).update(status=Outbox.Status.CANCELLED)
