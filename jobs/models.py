"""Durable background work: task intents (work a change asked for, recorded with it) and
reconciliation runs (what the periodic check found missing and fixed)."""

import uuid

from django.db import models
from django.utils import timezone


class TaskIntent(models.Model):
    """One piece of background work, written in the same transaction as the change that
    needs it. The relay publishes it to Celery after the commit; a periodic sweep publishes
    again whatever was never published or never finished. Tasks are idempotent, so a second
    publication is harmless."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be published"
        PUBLISHED = "published", "Published, not finished"
        DONE = "done", "Finished"
        DEAD = "dead", "Given up"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    publish_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The relay's sweep reads only the unfinished few, however many are done.
            models.Index(
                fields=["state", "created_at"],
                name="jobs_intent_unfinished",
                condition=models.Q(state__in=["pending", "published"]),
            ),
            models.Index(fields=["finished_at"], name="jobs_intent_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} ({self.get_state_display().lower()})"

    @property
    def celery_id(self) -> str:
        """The Celery task id of every publication of this intent (see jobs.signals)."""
        return f"intent-{self.pk}-{self.uuid}"


class ReconciliationRun(models.Model):
    """One run of the reconciliation sweep: per check, what it found and fixed."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {"check name": number fixed}
    fixed = models.JSONField(default=dict, blank=True)
    # [{"check": ..., "object": "...", "action": "..."}], at most a few hundred
    details = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        total = sum(self.fixed.values())
        return f"Reconciliation {self.started_at:%Y-%m-%d %H:%M} ({total} fixed)"

    @property
    def fixed_total(self) -> int:
        return sum(self.fixed.values())
