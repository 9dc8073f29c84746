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
