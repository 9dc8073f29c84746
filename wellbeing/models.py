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

from wellbeing.fields import EncryptedTextField

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
