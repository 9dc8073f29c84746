"""Practice between workshops: written drills answered against a scenario card, the
analyzer's findings on each answer, and coaches' marks on those findings (which measure each
rule's precision). See docs/practice.md."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.fields import EncryptedTextField
from practice import analyzer

ANSWER_MAX_CHARS = 4000
NOTES_MAX_CHARS = 4000


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


class FlashcardBox(models.Model):
    """Where one agent stands with one flashcard (a micro-script, or a framework's steps) in
    the Leitner system: the box it is in (1-5) and the day it is next due, in the agent's
    time zone. No row: the card is new to them. See practice/flashcards.py."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flashcard_boxes"
    )
    script = models.ForeignKey(
        "programs.MicroScript",
        on_delete=models.CASCADE,
        related_name="flashcard_boxes",
        null=True,
        blank=True,
    )
    framework = models.ForeignKey(
        "Framework",
        on_delete=models.CASCADE,
        related_name="flashcard_boxes",
        null=True,
        blank=True,
    )
    box = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0, help_text="Times it went back to box 1.")
    last_reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "box", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "script"],
                condition=Q(script__isnull=False),
                name="flashcard_box_once",
            ),
            models.UniqueConstraint(
                fields=["agent", "framework"],
                condition=Q(framework__isnull=False),
                name="flashcard_framework_box_once",
            ),
            models.CheckConstraint(
                condition=Q(script__isnull=False, framework__isnull=True)
                | Q(script__isnull=True, framework__isnull=False),
                name="flashcard_box_one_card",
            ),
            models.CheckConstraint(condition=Q(box__gte=1, box__lte=5), name="flashcard_box_1_5"),
        ]
        indexes = [models.Index(fields=["agent", "due_on"], name="flashcard_agent_due")]

    def __str__(self):
        return f"{self.agent}: {self.script or self.framework} in box {self.box}"


class FlashcardDay(models.Model):
    """How many cards an agent reviewed on a day of theirs (their time zone): the streak and
    "today" on the plan page, and the cap on new cards a day."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flashcard_days"
    )
    day = models.DateField()
    reviewed = models.PositiveIntegerField(default=0)
    known = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0, help_text="Cards seen for the first time.")

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="flashcard_day_once"),
        ]

    def __str__(self):
        return f"{self.agent} on {self.day}: {self.reviewed}"


class Framework(models.Model):
    """A communication framework taught in the program (HEART, CARE, NURSE...), in our own
    words: what it is for, its steps, and the rubric criteria it trains. Curriculum: no
    one's personal data; managers edit it in the admin."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField(help_text="What it is for, in two or three sentences.")
    when_to_use = models.TextField(blank=True)
    criteria = models.ManyToManyField(
        "programs.RubricCriterion",
        blank=True,
        related_name="frameworks",
        help_text="The rubric criteria it trains.",
    )
    modules = models.ManyToManyField("programs.Module", blank=True, related_name="frameworks")
    workshops = models.ManyToManyField("programs.Workshop", blank=True, related_name="frameworks")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class FrameworkStep(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    text = models.TextField(help_text="What the agent does or says at this step.")

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="framework_step_once"),
        ]

    def __str__(self):
        return f"{self.framework}: {self.name}"


class Exercise(models.Model):
    """A short exercise agents do between workshops (empathy map, active-listening drill...),
    with the frameworks it uses and the rubric criteria it trains."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    instructions = models.TextField()
    minutes = models.PositiveSmallIntegerField(default=10)
    solo = models.BooleanField(default=True, help_text="Can be done alone (else in pairs).")
    frameworks = models.ManyToManyField(Framework, blank=True, related_name="exercises")
    criteria = models.ManyToManyField(
        "programs.RubricCriterion", blank=True, related_name="exercises"
    )
    modules = models.ManyToManyField("programs.Module", blank=True, related_name="exercises")
    workshops = models.ManyToManyField("programs.Workshop", blank=True, related_name="exercises")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=240), name="exercise_minutes_range"
            ),
        ]

    def __str__(self):
        return self.name


class ExerciseLog(models.Model):
    """An exercise an agent did, with their notes: private (encrypted at rest, like the
    journal) unless they share them with their coaching partners."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_logs"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="logs")
    done_at = models.DateTimeField(default=timezone.now)
    notes = EncryptedTextField(blank=True, default="")
    shared_with_partner = models.BooleanField(
        default=False, help_text="Their coaching partners may read the notes."
    )

    class Meta:
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["agent", "-done_at"], name="exercise_log_agent_recent")]

    def __str__(self):
        return f"{self.agent}: {self.exercise}"


class ScenarioDeck(models.Model):
    """A group of scenario cards for five-minute standup drills. Curriculum: managers make
    and edit decks; a cohort uses one, rotated weekly (practice/decks.py)."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="scenario_decks"
    )
    cards = models.ManyToManyField(
        "programs.ScenarioCard", through="DeckCard", related_name="decks", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class DeckCard(models.Model):
    deck = models.ForeignKey(ScenarioDeck, on_delete=models.CASCADE, related_name="entries")
    card = models.ForeignKey("programs.ScenarioCard", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["deck", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deck", "card"], name="deck_card_once"),
        ]

    def __str__(self):
        return f"{self.deck}: {self.card}"


class CohortDeck(models.Model):
    """The deck a cohort's standups draw from: one per cohort."""

    cohort = models.OneToOneField(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="standup_deck"
    )
    deck = models.ForeignKey(ScenarioDeck, on_delete=models.PROTECT, related_name="cohorts")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.cohort}: {self.deck}"


class ScenarioSuggestion(models.Model):
    """A scenario an agent suggests from their own contacts. A training manager reviews it:
    accepted, it becomes a scenario card of the program (and joins a deck if one is
    chosen); declined, the agent reads why."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Added"
        DECLINED = "declined", "Declined"

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_suggestions"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="scenario_suggestions"
    )
    title = models.CharField(max_length=200)
    persona = models.TextField(help_text="Who the customer is (no real names).")
    situation = models.TextField(help_text="What happened.")
    intensity = models.CharField(
        max_length=16, choices=[("low", "Low"), ("medium", "Medium"), ("high", "High")]
    )
    ambiguity = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    card = models.ForeignKey(
        "programs.ScenarioCard", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__in=["low", "medium", "high"]),
                name="suggestion_intensity_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(reviewed_at__isnull=False),
                name="suggestion_reviewed_has_date",
            ),
        ]

    def __str__(self):
        return self.title
