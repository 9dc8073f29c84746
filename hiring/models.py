"""Hiring for empathy: openings, candidates, interview role-plays and their blind scores.
See docs/hiring.md.

Candidates are not users: they never sign in, and a candidate who is not hired is deleted
after `ATTUNE_HIRING_RETENTION_DAYS` (the retention sweep, `services.candidates_retention_sweep`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Opening(models.Model):
    """A hiring round for one team. The team's managers run it; the interviewers named on it
    (coaches or managers) read it and score its candidates' role-plays."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="openings")
    rubric = models.ForeignKey(
        "programs.Rubric",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The published interview rubric version every score of this opening uses.",
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="interviewing", blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="opening_status_valid"
            ),
        ]

    def __str__(self):
        return self.title


class Candidate(models.Model):
    """Someone applying to an opening: a name and a way to reach them, never an account
    until they are hired (then `agent` is the account made for them)."""

    class Stage(models.TextChoices):
        APPLIED = "applied", "Applied"
        INTERVIEWING = "interviewing", "Interviewing"
        OFFER = "offer", "Offer made"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Not hired"
        WITHDRAWN = "withdrawn", "Withdrew"

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.APPLIED)
    # The retention clock: a candidate not hired is deleted this long after their last
    # change of stage (docs/hiring.md#retention).
    stage_changed_at = models.DateTimeField()
    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hired_as_candidate",
        help_text="The agent account made when they were hired.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "email"],
                name="candidate_once_per_opening",
                violation_error_message="This opening has a candidate with this e-mail already.",
            ),
            models.CheckConstraint(
                condition=Q(
                    stage__in=["applied", "interviewing", "offer", "hired", "rejected", "withdrawn"]
                ),
                name="candidate_stage_valid",
            ),
            models.CheckConstraint(
                condition=Q(agent__isnull=True) | Q(stage="hired"),
                name="candidate_agent_only_when_hired",
            ),
        ]
        indexes = [models.Index(fields=["stage", "stage_changed_at"])]

    def __str__(self):
        return self.name


class Interview(models.Model):
    """One role-play a candidate does, on a scenario card from the library."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="interviews")
    scenario = models.ForeignKey(
        "programs.ScenarioCard",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    held_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.candidate} on {self.held_on}"


class InterviewScore(models.Model):
    """One interviewer's score of one role-play, final once submitted. Blind: until an
    interviewer has submitted theirs, they see no one else's (`selectors.interview_unblinded`)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scores")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_scores"
    )
    values = models.JSONField(help_text="Criterion key -> score.")
    notes = models.TextField(blank=True, max_length=4000)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"],
                name="interview_score_once_per_interviewer",
                violation_error_message="You have scored this role-play already.",
            ),
        ]

    def __str__(self):
        return f"{self.interviewer} on {self.interview}"
