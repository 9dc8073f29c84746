"""Measurement: helpdesk interactions, the baseline assessment and calibration sessions.

Scores themselves are cohorts.RubricScore rows (context "baseline" or "calibration"); the
models here say which interaction a score is about and to which sample or session it
belongs.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Intensity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class IntensitySource(models.TextChoices):
    DERIVED = "derived", "Derived by the rules"
    GIVEN = "given", "Given in the import"
    CORRECTED = "corrected", "Corrected by a manager"


class Interaction(models.Model):
    """One call, chat or e-mail from a helpdesk export. Every metric is optional."""

    class Channel(models.TextChoices):
        CALL = "call", "Call"
        CHAT = "chat", "Chat"
        EMAIL = "email", "E-mail"
        OTHER = "other", "Other"

    source = models.CharField(max_length=50, help_text="Which helpdesk, e.g. zendesk.")
    external_id = models.CharField(max_length=100)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # No index of its own: (agent, occurred_at) below serves every lookup by agent.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interactions",
        db_index=False,
    )
    occurred_at = models.DateTimeField()
    csat = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    nps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    understood = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="“Did the agent understand your concern?” (1-10)",
    )
    handle_seconds = models.PositiveIntegerField(null=True, blank=True)
    escalated = models.BooleanField(null=True, blank=True)
    resolved_first_contact = models.BooleanField(null=True, blank=True)
    repeat_contact = models.BooleanField(null=True, blank=True)
    resolved = models.BooleanField(
        null=True,
        blank=True,
        help_text="Was the contact eventually resolved (solved), however many contacts it took?",
    )
    resolution_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Seconds from the contact's creation to its resolution.",
    )
    # NULL like every other metric here: "not in the export", which an update leaves alone.
    notes = models.TextField(  # noqa: DJ001
        null=True,
        blank=True,
        help_text="A transcript or the agent's notes, when the helpdesk exports one.",
    )
    imported_at = models.DateTimeField(auto_now=True)
    # Emotional intensity (insights/intensity.py has the rules): what the import gave,
    # else derived from the metrics below, else a manager's correction.
    # db_default: the imports' own INSERTs name only the columns of the file.
    intensity = models.CharField(max_length=8, choices=Intensity.choices, blank=True, db_default="")
    intensity_reason = models.CharField(
        max_length=120,
        blank=True,
        db_default="",
        help_text="Why: “escalated”, “CSAT 2”, “tag: complaint”…",
    )
    intensity_source = models.CharField(
        max_length=10, choices=IntensitySource.choices, blank=True, db_default=""
    )
    # NULL like the metrics: the import's own intensity cell, kept apart from `intensity`
    # so that a re-import without one leaves a manager's correction alone.
    intensity_given = models.CharField(  # noqa: DJ001
        max_length=8, choices=Intensity.choices, null=True, blank=True, editable=False
    )
    account = models.CharField(  # noqa: DJ001
        max_length=100,
        null=True,
        blank=True,
        help_text="The customer account in the helpdesk (repeat contacts, rotation).",
    )
    # Lowercase, each between commas (",complaint,billing,"), so one tag is one LIKE.
    tags = models.TextField(null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["-occurred_at", "id"]
        indexes = [
            models.Index(fields=["agent", "occurred_at"]),
            models.Index(fields=["occurred_at", "channel"]),
            models.Index(fields=["account", "occurred_at"], name="interaction_account_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="interaction_unique_per_source"
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="interaction_csat_1_5",
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10),
                name="interaction_nps_0_10",
            ),
            models.CheckConstraint(
                condition=Q(understood__isnull=True) | Q(understood__gte=1, understood__lte=10),
                name="interaction_understood_1_10",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["call", "chat", "email", "other"]),
                name="interaction_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(intensity__in=["", "low", "medium", "high"]),
                name="interaction_intensity_valid",
            ),
        ]

    def __str__(self):
        return f"{self.source}:{self.external_id}"

    @property
    def reference(self) -> str:
        return f"{self.source}:{self.external_id}"


class InteractionWeek(models.Model):
    """One agent's interactions in one week, summed: what the KPI reports add up.

    `week` is the Monday of the week in settings.TIME_ZONE, as the reports bucket
    interactions (TruncWeek). Per metric (reports.INTERACTION_METRICS) its `<key>_n` values,
    `<key>_sum` (sum of values, or of successes), `<key>_sumsq` for means and
    `<key>_detractors` for NPS, each what reports.Metric.aggregates() gives over the
    agent's interactions of the week; an agent counts among a metric's contributors in a
    week when its `<key>_n` is above 0. Derived data, kept current by every writer of
    interactions (insights.interaction_weeks) and rebuilt by `rebuild_interaction_weeks`.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    week = models.DateField()
    interactions = models.PositiveIntegerField()
    csat_satisfied_percent_n = models.PositiveIntegerField()
    csat_satisfied_percent_sum = models.PositiveIntegerField()
    csat_mean_n = models.PositiveIntegerField()
    csat_mean_sum = models.FloatField(null=True)
    csat_mean_sumsq = models.FloatField(null=True)
    nps_n = models.PositiveIntegerField()
    nps_sum = models.PositiveIntegerField()
    nps_detractors = models.PositiveIntegerField()
    understood_mean_n = models.PositiveIntegerField()
    understood_mean_sum = models.FloatField(null=True)
    understood_mean_sumsq = models.FloatField(null=True)
    aht_seconds_n = models.PositiveIntegerField()
    aht_seconds_sum = models.FloatField(null=True)
    aht_seconds_sumsq = models.FloatField(null=True)
    escalation_percent_n = models.PositiveIntegerField()
    escalation_percent_sum = models.PositiveIntegerField()
    fcr_percent_n = models.PositiveIntegerField()
    fcr_percent_sum = models.PositiveIntegerField()
    repeat_contact_percent_n = models.PositiveIntegerField()
    repeat_contact_percent_sum = models.PositiveIntegerField()
    resolution_hours_n = models.PositiveIntegerField()
    resolution_hours_sum = models.FloatField(null=True)
    resolution_hours_sumsq = models.FloatField(null=True)
    escalations_resolved_percent_n = models.PositiveIntegerField()
    escalations_resolved_percent_sum = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index the writers' recompute and the agent-scoped reads use.
            models.UniqueConstraint(fields=["agent", "week"], name="interaction_week_once"),
            # A week without interactions has no row (the writers delete it).
            models.CheckConstraint(
                condition=Q(interactions__gt=0), name="interaction_week_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["week"])]

    def __str__(self):
        return f"{self.agent_id} in the week of {self.week}"


class BaselineAssessment(models.Model):
    """A reproducible random sample of interactions, scored by reviewers with the rubric.

    Its kind says when in a cohort's life it was drawn: before the program (baseline, drawn
    by a manager), in its last 30 days (end of program) or three months after it finished
    (follow-up); the last two are drawn by the measurement sweep and name the cohort's
    baseline they are compared with."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        END_OF_PROGRAM = "end_of_program", "End of program"
        FOLLOW_UP = "follow_up", "Follow-up after three months"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BASELINE)
    compared_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_assessments",
        help_text="The cohort's baseline this end-of-program or follow-up assessment is "
        "compared with.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="What the sweep found, e.g. no interactions."
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    sample_size = models.PositiveIntegerField(default=200, validators=[MinValueValidator(1)])
    seed = models.BigIntegerField(help_text="Drawing again with this seed gives the same sample.")
    rubric = models.ForeignKey("programs.Rubric", on_delete=models.PROTECT, related_name="+")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cohort__isnull=False) ^ Q(team__isnull=False),
                name="baseline_for_a_cohort_or_a_team",
                violation_error_message="Choose either a cohort or a team.",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="baseline_window_ordered",
                violation_error_message="The window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["baseline", "end_of_program", "follow_up"]),
                name="assessment_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="baseline") | Q(cohort__isnull=False),
                name="assessment_after_program_has_cohort",
                violation_error_message="An end-of-program or follow-up assessment is a cohort's.",
            ),
            # The sweep draws at most one of each per cohort, however often it runs.
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                condition=Q(kind__in=["end_of_program", "follow_up"]),
                name="assessment_one_end_and_follow_up_per_cohort",
            ),
        ]

    def __str__(self):
        return self.name


class BaselineItem(models.Model):
    """One sampled interaction, assigned to one reviewer."""

    assessment = models.ForeignKey(
        BaselineAssessment, on_delete=models.CASCADE, related_name="items"
    )
    interaction = models.OneToOneField(
        Interaction,
        on_delete=models.PROTECT,
        related_name="baseline_item",
        help_text="An interaction is sampled at most once, across all baselines.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="baseline_items"
    )
    score = models.OneToOneField(
        "cohorts.RubricScore", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "id"]

    def __str__(self):
        return f"{self.interaction} for {self.reviewer}"


class CalibrationSession(models.Model):
    """Several reviewers score the same interactions blind, then compare."""

    name = models.CharField(max_length=200)
    rubric = models.ForeignKey("programs.Rubric", on_delete=models.PROTECT, related_name="+")
    interactions = models.ManyToManyField(Interaction, related_name="calibration_sessions")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calibrations")
    drift_bound = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=0.5,
        validators=[MinValueValidator(0)],
        help_text="Rubric points; a reviewer further than this from the consensus is flagged.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class CalibrationScore(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="+")
    score = models.OneToOneField("cohorts.RubricScore", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "reviewer", "interaction"],
                name="calibration_one_score_per_reviewer_and_interaction",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.interaction}"


class CalibrationConsensus(models.Model):
    """The score the group agrees an interaction deserves, recorded by whoever runs the
    session once the reviewers have compared; reviewers' distances from it are their
    reviewer quality over time."""

    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="consensus"
    )
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(help_text="Criterion key -> the agreed score.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "interaction"], name="calibration_consensus_once"
            )
        ]

    def __str__(self):
        return f"Consensus on {self.interaction} in {self.session}"
