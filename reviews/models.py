"""QA reviews: a cohort's review plan, the weekly assignments it produces, and the review a
coach writes for an assignment (a draft until submitted, then a rubric score).

A submitted review is a `cohorts.RubricScore` (context "qa"): the score certification
reads. The assignment keeps the draft and points at the score once it is submitted.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class ReviewPlan(models.Model):
    """How a cohort's agents are reviewed: how many interactions per active agent a week,
    by which coaches, sampled by which rule."""

    cohort = models.OneToOneField(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="review_plan"
    )
    per_agent_per_week = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Interactions reviewed per active agent a week (the certification gate needs 3).",
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="review_plans", help_text="Who reviews."
    )
    prefer_escalated = models.BooleanField(default=True)
    prefer_low_csat = models.BooleanField(default=True, help_text="CSAT of 1 or 2.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(per_agent_per_week__gte=1, per_agent_per_week__lte=20),
                name="review_plan_per_week_1_20",
            )
        ]

    def __str__(self):
        return f"Review plan of {self.cohort}"


class ReviewAssignment(models.Model):
    """One interaction of one agent, to be reviewed by one coach in one week."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "To review"
        SUBMITTED = "submitted", "Submitted"
        SKIPPED = "skipped", "Skipped"

    plan = models.ForeignKey(ReviewPlan, on_delete=models.CASCADE, related_name="assignments")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    week = models.DateField(help_text="Monday of the week, in the cohort's time zone.")
    slot = models.PositiveSmallIntegerField(help_text="1 to the plan's interactions a week.")
    interaction = models.ForeignKey(
        "insights.Interaction", on_delete=models.PROTECT, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_assigned"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    skip_reason = models.CharField(max_length=300, blank=True)
    # Why the weekly run picked this interaction (reviews/assignment.py): "high intensity:
    # <the interaction's intensity reason>", "escalated" or "random sample". Kept as it was
    # when picked; blank on reviews assigned before routing existed.
    routing_reason = models.CharField(max_length=160, blank=True)
    # The draft, kept until submitted: criterion key -> score, criterion key -> comment.
    draft_values = models.JSONField(default=dict, blank=True)
    draft_comments = models.JSONField(default=dict, blank=True)
    draft_strength = models.TextField(blank=True)
    draft_next_step = models.TextField(blank=True)
    score = models.OneToOneField(
        "cohorts.RubricScore", null=True, blank=True, on_delete=models.PROTECT,
        related_name="review_assignment",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["reviewer", "status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "agent", "week", "slot"], name="review_assignment_unique_slot"
            ),
            models.UniqueConstraint(
                fields=["interaction"],
                condition=~Q(status="skipped"),
                name="review_assignment_interaction_once",
            ),
            models.CheckConstraint(
                condition=~Q(agent=models.F("reviewer")), name="review_assignment_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["assigned", "submitted", "skipped"]),
                name="review_assignment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(score__isnull=False),
                name="review_assignment_submitted_has_score",
            ),
        ]

    def __str__(self):
        return f"Review of {self.interaction} for {self.agent} ({self.get_status_display()})"


class Dispute(models.Model):
    """An agent disputes a QA score, criterion by criterion, within DISPUTE_DAYS of it.

    A training manager in scope, or a coach of the cohort other than the scorer, resolves
    it: **upheld** (the score stands), **adjusted** (a new score supersedes it; the
    original stays, immutable, for the record) or **rejected** (not a matter for a
    dispute), always with a reply.
    """

    DISPUTE_DAYS = 14

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: the score stands"
        ADJUSTED = "adjusted", "Adjusted"
        REJECTED = "rejected", "Rejected"

    score = models.OneToOneField(
        "cohorts.RubricScore", on_delete=models.PROTECT, related_name="dispute"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes"
    )
    reasons = models.JSONField(help_text="Criterion key -> why the agent disputes its score.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="disputes_resolved",
    )  # fmt: skip
    resolved_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True)
    adjusted_score = models.OneToOneField(
        "cohorts.RubricScore", null=True, blank=True, on_delete=models.PROTECT,
        related_name="adjusts",
    )  # fmt: skip

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "upheld", "adjusted", "rejected"]),
                name="dispute_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="dispute_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="adjusted") | Q(adjusted_score__isnull=False),
                name="dispute_adjusted_has_score",
            ),
        ]

    def __str__(self):
        return f"Dispute of {self.score} ({self.get_status_display()})"


class SelfAssessment(models.Model):
    """The agent's own score of an interaction of theirs under review, given before the
    coach's review is submitted. It never counts toward anything: it is there so the agent
    can compare, criterion by criterion, once the coach's score is in."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="self_assessment"
    )
    values = models.JSONField(help_text="Criterion key -> the agent's own score.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Self-assessment of {self.assignment}"
