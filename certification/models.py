"""Certification: the gate a program sets, live role-play assessments, the decisions that
certify an agent, and the Open Badges that prove it.

A decision is immutable evidence: which scores and which role-play made it, with the gate's
settings at that moment. Revoking keeps the row and says why. A badge assertion is one per
decision (a unique constraint), so retries and concurrent award tasks can never issue two.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

DEFAULT_CONTEXTS = ["qa", "role_play"]
# Scores that may ever count towards certification: never peer practice, never calibration.
CERTIFIABLE_CONTEXTS = ["baseline", "qa", "role_play"]


# A certification may be renewed from this long before it expires (and any time after):
# the expiry reminders start then, and only evidence from then on counts for the renewal.
RECERTIFICATION_WINDOW = datetime.timedelta(days=90)


def default_contexts():
    return list(DEFAULT_CONTEXTS)


class CertificationGate(models.Model):
    """What a program asks before it certifies an agent."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="certification_gate"
    )
    threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Rubric bar, 0-100.",
    )
    recent_scores = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="How many of the most recent assessed scores count.",
    )
    counted_contexts = models.JSONField(
        default=default_contexts, help_text="Score contexts that count, e.g. qa, role_play."
    )
    requires_role_play = models.BooleanField(default=True)
    required_modules = models.ManyToManyField("programs.Module", blank=True, related_name="+")
    validity_days = models.PositiveIntegerField(
        null=True, blank=True, default=365, help_text="Badge validity; empty = never expires."
    )
    cooldown_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days to wait after a failed role-play before the next attempt."
    )
    attempt_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, default=3, help_text="Role-play attempts allowed; empty = any."
    )

    class Meta:
        ordering = ["program"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0) & Q(threshold_percent__lte=100),
                name="gate_threshold_0_100",
                violation_error_message="The threshold is a percentage between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(recent_scores__gte=1),
                name="gate_counts_at_least_one_score",
                violation_error_message="At least one score must count.",
            ),
        ]

    def __str__(self):
        return f"Gate of {self.program}"

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        contexts = self.counted_contexts
        allowed = set(CERTIFIABLE_CONTEXTS)
        if not isinstance(contexts, list) or not contexts or not set(contexts) <= allowed:
            raise ValidationError(
                {"counted_contexts": f"Choose one or more of {', '.join(sorted(allowed))}."}
            )

    def settings_snapshot(self) -> dict:
        return {
            "threshold_percent": str(self.threshold_percent),
            "recent_scores": self.recent_scores,
            "counted_contexts": sorted(self.counted_contexts),
            "requires_role_play": self.requires_role_play,
            "required_modules": sorted(m.pk for m in self.required_modules.all()),
            "validity_days": self.validity_days,
        }


class RolePlayAssessment(models.Model):
    """A live certification role-play: booked, then assessed with the rubric."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    enrollment = models.ForeignKey(
        "cohorts.Enrollment", on_delete=models.PROTECT, related_name="role_plays"
    )
    scenario = models.ForeignKey(
        "programs.ScenarioCard", on_delete=models.PROTECT, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_given"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    score = models.OneToOneField(
        "cohorts.RubricScore",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_play_assessment",
    )
    notes = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="booked")
                | (Q(score__isnull=False) & Q(assessed_at__isnull=False)),
                name="assessment_outcome_has_score",
            ),
        ]

    def __str__(self):
        return f"Role-play of {self.enrollment.agent} ({self.get_status_display()})"


class DecisionStatus(models.TextChoices):
    """Computed from the dates, never stored: an expiry needs no task to take effect."""

    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class DecisionQuerySet(models.QuerySet):
    def with_status(self, status: str, moment) -> "DecisionQuerySet":
        """The decisions whose status at `moment` is `status` (valid, expired, revoked)."""
        if status == DecisionStatus.REVOKED:
            return self.filter(revoked_at__isnull=False)
        live = self.filter(revoked_at__isnull=True)
        if status == DecisionStatus.EXPIRED:
            return live.filter(expires_at__lte=moment)
        return live.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment))


class CertificationDecision(models.Model):
    """An agent certified on a program, with the evidence frozen at that moment.

    A recertification is a new decision whose `previous` is the one it renews; the old
    one stays as it was (it expires in its own time, it is not revoked)."""

    enrollment = models.ForeignKey(
        "cohorts.Enrollment", on_delete=models.PROTECT, related_name="certifications"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certifications"
    )
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    evidence = models.JSONField(help_text="Scores, role-play and gate settings, as decided.")
    evidence_hash = models.CharField(max_length=64)
    decided_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(max_length=500, blank=True)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
        help_text="The certification this one renews (recertification); renewed at most once.",
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "program", "evidence_hash"],
                name="decision_once_per_evidence",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="decision_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.agent} certified on {self.program}"

    def is_valid_at(self, moment) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)

    def status_at(self, moment) -> str:
        if self.revoked_at is not None:
            return DecisionStatus.REVOKED
        return DecisionStatus.VALID if self.is_valid_at(moment) else DecisionStatus.EXPIRED

    @property
    def recertification_opens_at(self) -> datetime.datetime | None:
        """From when the agent may recertify (None: it never expires)."""
        if self.expires_at is None:
            return None
        return max(self.decided_at, self.expires_at - RECERTIFICATION_WINDOW)

    def expiring_soon_at(self, moment) -> bool:
        """Valid, and within the recertification window before its expiry."""
        opens = self.recertification_opens_at
        return self.is_valid_at(moment) and opens is not None and moment >= opens


class BadgeClass(models.Model):
    """The badge a program's certification earns (an Open Badges 2.0 BadgeClass)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.PROTECT, related_name="badge_class"
    )
    name = models.CharField(max_length=200)
    description = models.TextField()
    criteria_narrative = models.TextField()
    image = models.BinaryField(help_text="PNG image of the badge.", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "badge classes"

    def __str__(self):
        return self.name


class BadgeAssertion(models.Model):
    """One badge awarded to one agent for one certification decision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="assertions")
    decision = models.OneToOneField(
        CertificationDecision, on_delete=models.PROTECT, related_name="assertion"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="badges"
    )
    recipient_salt = models.CharField(max_length=64)
    recipient_hash = models.CharField(max_length=80, help_text="sha256$<hex of email + salt>")
    issued_on = models.DateTimeField()
    expires_on = models.DateTimeField(null=True, blank=True)
    evidence_narrative = models.TextField(blank=True)
    revoked = models.BooleanField(default=False)
    revocation_reason = models.CharField(max_length=500, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    congratulated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked=False) | ~Q(revocation_reason=""),
                name="assertion_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.badge_class} for {self.recipient}"


class BadgeLink(models.Model):
    """An agent's private link to their certification status, for a helpdesk sidebar or
    profile field: a small JSON document and an SVG badge (certification/badge_links.py).

    The URL's secret is never stored: it is an HMAC, under the server's secret key, of
    `salt` (32 random bytes); the row keeps the salt and the SHA-256 of the secret. A copy
    of the database alone opens no link, and the agent can still be shown theirs. Revoking
    keeps the row; one live link per agent."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_links"
    )
    salt = models.CharField(max_length=64, editable=False)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(revoked_at__isnull=True),
                name="badge_link_one_live_per_agent",
            ),
        ]

    def __str__(self):
        state = "revoked" if self.revoked_at else "live"
        return f"Helpdesk badge link of {self.agent} ({state})"
