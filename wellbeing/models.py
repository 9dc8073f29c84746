"""Wellbeing: what protects agents from compassion fatigue.

- `JournalEntry`: an agent's private reflection after a hard contact or an exercise. Only
  its author reads it: the text is encrypted at rest, the admin does not show it, no
  export or report reads it, and no API or page serves it to anyone else.
- `SupportResource`: where to get help (counselling, the employee assistance programme),
  configured by training managers and shown to everyone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.fields import EncryptedTextField

JOURNAL_TEXT_MAX = 4000


class JournalEntry(models.Model):
    class Context(models.TextChoices):
        HARD_CONTACT = "hard_contact", "After a hard contact"
        EXERCISE = "exercise", "After an exercise or role-play"
        OTHER = "other", "Something else"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    written_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    context = models.CharField(max_length=16, choices=Context.choices, default=Context.OTHER)
    text = EncryptedTextField(help_text="Encrypted at rest; only the author can read it.")

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["author", "-written_at"], name="journal_author_newest")]
        verbose_name_plural = "journal entries"

    def __str__(self):
        return f"Journal entry {self.pk}"


class SupportResource(models.Model):
    class Kind(models.TextChoices):
        COUNSELLING = "counselling", "Counselling"
        EAP = "eap", "Employee assistance programme"
        PEER = "peer", "Peer support"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COUNSELLING)
    description = models.TextField(blank=True, max_length=1000)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True)
    hours = models.CharField(
        max_length=120, blank=True, help_text="When it answers, e.g. “24/7” or “Mon-Fri 9-17”."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(phone="") & models.Q(email="") & models.Q(url="")),
                name="support_resource_reachable",
                violation_error_message="Give a phone number, an e-mail address or a link.",
            )
        ]

    def __str__(self):
        return self.name


class DebriefRequest(models.Model):
    """One agent asking a teammate for a short debrief after a hard contact.

    Only the request and whether it happened are kept: never what was said."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Not now"
        HELD = "held", "Happened"
        CANCELLED = "cancelled", "Withdrawn"

    OPEN = (Status.REQUESTED, Status.ACCEPTED)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debriefs_asked"
    )
    teammate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debriefs_received"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    answered_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "-requested_at"], name="debrief_requester_newest"),
            models.Index(fields=["teammate", "status"], name="debrief_teammate_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("teammate")),
                name="debrief_not_with_oneself",
                violation_error_message="Ask someone else for a debrief.",
            ),
        ]

    def __str__(self):
        return f"Debrief {self.pk}"


class PulseResponse(models.Model):
    """One agent's answers to one month's wellbeing pulse. Only the respondent reads it;
    everyone else sees monthly aggregates of 5 or more respondents (wellbeing/pulse.py)."""

    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulse_responses"
    )
    month = models.DateField(help_text="The first day of the month the answers are about.")
    # Kept with the answers so that a later change of team does not move them.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(help_text="Item key to answer (0-100 on the instrument's scale).")
    burnout_score = models.FloatField(
        help_text="Work-related burnout, 0-100: the mean of the answered CBI items."
    )
    support_score = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "month"], name="pulse_once_a_month"),
        ]
        indexes = [models.Index(fields=["month", "team"], name="pulse_month_team")]

    def __str__(self):
        return f"Pulse {self.pk}"


# --- Exposure to high-intensity work (docs/wellbeing-exposure.md) -----------------------


class RotationAdvisory(models.Model):
    """An agent handled the last N escalations of one account in a row, and the managers
    facilitating their cohorts were told. One per streak: a streak is known by its first
    escalation, so a longer streak tells nobody twice; a streak broken by a teammate and
    begun again is a new one."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rotation_advisories"
    )
    account = models.CharField(max_length=100)
    streak_start = models.ForeignKey(
        "insights.Interaction",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The first escalation of the streak.",
    )
    escalations = models.PositiveSmallIntegerField(help_text="The streak's length when found.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "account", "streak_start"],
                name="rotation_advisory_once_per_streak",
            )
        ]

    def __str__(self):
        return f"{self.account}: {self.escalations} escalations in a row for {self.agent}"


class RecoveryPrompt(models.Model):
    """The note suggesting a break after a high-intensity contact: at most one per agent
    and day (the agent's own calendar day)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_prompts"
    )
    day = models.DateField()
    interaction = models.ForeignKey(
        "insights.Interaction", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="recovery_prompt_once_a_day")
        ]

    def __str__(self):
        return f"Recovery prompt for {self.agent} on {self.day}"
