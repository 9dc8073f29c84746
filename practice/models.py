"""Practice between workshops: written drills answered against a scenario card, the
analyzer's findings on each answer, and coaches' marks on those findings (which measure each
rule's precision). See docs/practice.md."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practice import analyzer

ANSWER_MAX_CHARS = 4000


class DrillAnswer(models.Model):
    """An agent's written answer to a scenario card, analysed when it is saved.

    The agent's own data: they read it, and so do the coaches and managers who may open
    their scorecard (reviews.selectors.scorecard_agents_visible_to); HR never does.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drill_answers"
    )
    card = models.ForeignKey(
        "programs.ScenarioCard", on_delete=models.CASCADE, related_name="drill_answers"
    )
    text = models.TextField(validators=[MaxLengthValidator(ANSWER_MAX_CHARS)])
    analyzer_version = models.CharField(max_length=32, default=analyzer.VERSION)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "-created_at"], name="drill_answer_agent_recent")]

    def __str__(self):
        return f"{self.agent} on “{self.card}”"


class DrillFinding(models.Model):
    """One point of the analyzer's feedback: rule, verdict, the agent's words, why."""

    class Verdict(models.TextChoices):
        MET = analyzer.MET, "Done well"
        PARTLY = analyzer.PARTLY, "Partly"
        MISSING = analyzer.MISSING, "Missing"
        FLAGGED = analyzer.FLAGGED, "Flagged"
        NOT_NEEDED = analyzer.NOT_NEEDED, "Not needed here"

    answer = models.ForeignKey(DrillAnswer, on_delete=models.CASCADE, related_name="findings")
    order = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=32, choices=[(r.id, r.name) for r in analyzer.RULES])
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    quote = models.TextField(blank=True)
    why = models.TextField()

    class Meta:
        ordering = ["answer", "order"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "order"], name="drill_finding_order_once"),
            models.CheckConstraint(
                condition=Q(verdict__in=list(analyzer.VERDICTS)), name="drill_finding_verdict"
            ),
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.get_verdict_display()}"


class FindingMark(models.Model):
    """A coach's judgement of one finding: right or wrong. One per coach and finding (marking
    again changes it); the precision report counts them per rule."""

    finding = models.ForeignKey(DrillFinding, on_delete=models.CASCADE, related_name="marks")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="finding_marks"
    )
    correct = models.BooleanField()
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "coach"], name="finding_mark_once"),
        ]

    def __str__(self):
        return f"{self.coach}: {'right' if self.correct else 'wrong'} on {self.finding}"
