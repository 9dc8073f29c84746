"""A file to import in the background, and how far the import got."""

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """One upload, imported by a worker. Written in the request's transaction with the file,
    so the work it asks for survives a broker that was down: the sweep enqueues it again."""

    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", "Enrolment (CSV)"
        INTERACTIONS = "interactions", "Helpdesk interactions (CSV)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=50, blank=True)
    mapping = models.CharField(max_length=16, blank=True)
    dry_run = models.BooleanField(default=False)
    file = models.FileField(upload_to="imports/")
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    errors_file = models.FileField(upload_to="imports/errors/", blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="enrolment") | models.Q(cohort__isnull=False),
                name="enrolment_job_names_a_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
