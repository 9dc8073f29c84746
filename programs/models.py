"""What a program is: phases, workshops, weekly modules, the rubric, practice content.

Phases are data, so the 30/60/90-day rollout and the seven-day new-hire primer are both
programs made of the same parts. Cross-row rules (phases that overlap, a published rubric
being edited) live in `clean()`, which the admin and the API serializers both run; rules
about a whole program (what publishing needs) live in services.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Program(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_programs",
    )
    rubric = models.ForeignKey(
        "Rubric",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        help_text="The rubric version that scores in this program use.",
    )
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The completion rule: what an agent must have done by the cohort's last day. Empty
    # minimums mean "all of them", which is how progress counts items.
    completion_workshops_min = models.PositiveSmallIntegerField(
        "workshops to attend",
        null=True,
        blank=True,
        help_text="How many workshops an agent must attend; empty: all of them.",
    )
    completion_modules_min = models.PositiveSmallIntegerField(
        "modules to complete",
        null=True,
        blank=True,
        help_text="How many modules (pre-work and live practice) to complete; empty: all.",
    )
    completion_coaching_min = models.PositiveSmallIntegerField(
        "coaching weeks to hold",
        null=True,
        blank=True,
        help_text="How many peer-coaching sessions to hold; empty: every week with a partner.",
    )
    completion_requires_certification = models.BooleanField(
        "certification required",
        default=False,
        help_text="Whether an agent must also be certified to complete the program.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a phase, workshop or module last changed (programs/signals.py): what cohorts'
    # schedules are laid from. A started cohort laid before this is stale (see
    # cohorts/reconcile.py).
    content_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="program_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="program_published_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    COMPLETION_COUNTS = (
        ("completion_workshops_min", "workshops", "workshop"),
        ("completion_modules_min", "modules", "module"),
    )

    def clean(self):
        super().clean()
        self._clean_completion_rule()
        if self.status != self.Status.PUBLISHED:
            return
        if self.rubric_id is None:
            raise ValidationError({"rubric": "A published program keeps a rubric."})
        if not self.rubric.is_published:
            raise ValidationError(
                {"rubric": "A published program uses a published rubric version."}
            )

    def _clean_completion_rule(self):
        """A minimum cannot ask for more workshops or modules than the program has."""
        if self.pk is None:
            return
        errors = {}
        for field, related, noun in self.COMPLETION_COUNTS:
            wanted = getattr(self, field)
            if wanted is None:
                continue
            have = getattr(self, related).count()
            if wanted > have:
                errors[field] = f"The program has {have} {noun}(s); ask for {have} at most."
        if self.completion_coaching_min is not None:
            weeks = sum(p.weeks for p in self.phases.filter(peer_coaching=True))
            if self.completion_coaching_min > weeks:
                errors["completion_coaching_min"] = (
                    f"The program has {weeks} coaching week(s); ask for {weeks} at most."
                )
        if errors:
            raise ValidationError(errors)

    def completion_rule_lines(self) -> list[str]:
        """The rule in words, as agents and managers read it."""

        def count(wanted, noun):
            return f"all {noun}" if wanted is None else f"at least {wanted} {noun}"

        lines = [
            f"Attend {count(self.completion_workshops_min, 'workshops')}",
            f"Complete {count(self.completion_modules_min, 'modules')} (pre-work and live "
            "practice)",
            f"Hold {count(self.completion_coaching_min, 'peer-coaching sessions')}"
            + (" (weeks you have a partner)" if self.completion_coaching_min is None else ""),
        ]
        if self.completion_requires_certification:
            lines.append("Be certified")
        return lines


class Phase(models.Model):
    """A stretch of program days (1-based, inclusive) with its goals."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    first_day = models.PositiveSmallIntegerField()
    last_day = models.PositiveSmallIntegerField()
    goals = models.TextField(blank=True)
    peer_coaching = models.BooleanField(
        default=False, help_text="Agents meet a coaching partner every week of this phase."
    )

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "order"],
                name="phase_order_unique",
                violation_error_message="Another phase of this program already has this order.",
            ),
            models.UniqueConstraint(
                fields=["program", "first_day"],
                name="phase_first_day_unique",
                violation_error_message="Another phase of this program starts on this day.",
            ),
            models.CheckConstraint(
                condition=Q(first_day__gte=1),
                name="phase_first_day_positive",
                violation_error_message="A phase starts on day 1 or later.",
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="phase_days_ordered",
                violation_error_message="A phase cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.name} (days {self.first_day}-{self.last_day})"

    @property
    def length_days(self) -> int:
        return self.last_day - self.first_day + 1

    @property
    def weeks(self) -> int:
        """Weeks the phase spans (a last, shorter week counts)."""
        return -(-self.length_days // 7)

    def clean(self):
        super().clean()
        if self.first_day is None or self.last_day is None or self.program_id is None:
            return
        if self.last_day < self.first_day:
            raise ValidationError({"last_day": "A phase cannot end before it starts."})
        overlapping = (
            Phase.objects.filter(program_id=self.program_id)
            .exclude(pk=self.pk)
            .filter(first_day__lte=self.last_day, last_day__gte=self.first_day)
            .first()
        )
        if overlapping:
            raise ValidationError(
                {
                    "first_day": (
                        f"Days {self.first_day}-{self.last_day} overlap the phase "
                        f"“{overlapping.name}” (days {overlapping.first_day}-"
                        f"{overlapping.last_day})."
                    )
                }
            )


class PhaseItem(models.Model):
    """Something that belongs to one phase of one program.

    Subclasses keep both `program` and `phase`: `program` repeats `phase.program` so that
    the admin can edit items inline on the program and a program's items are one indexed
    lookup away; `clean()` keeps the two consistent.
    """

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.phase_id is None:
            return
        if self.program_id is None:
            self.program_id = self.phase.program_id
        elif self.phase.program_id != self.program_id:
            raise ValidationError({"phase": "This phase belongs to another program."})


class Workshop(PhaseItem):
    """A live session, held once per cohort on a given day of its phase."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="workshops")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="workshops")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(default=60)
    day = models.PositiveSmallIntegerField(
        default=1, help_text="Day of the phase on which it is held (1 = the phase's first day)."
    )
    agenda = models.TextField(blank=True)

    class Meta:
        ordering = ["program", "phase__order", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0),
                name="workshop_minutes_positive",
                violation_error_message="A workshop lasts at least one minute.",
            ),
            models.CheckConstraint(
                condition=Q(day__gte=1),
                name="workshop_day_positive",
                violation_error_message="Days of a phase are counted from 1.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.phase_id and self.day and self.day > self.phase.length_days:
            raise ValidationError(
                {"day": f"The phase “{self.phase.name}” has only {self.phase.length_days} days."}
            )


class Module(PhaseItem):
    """A weekly microlearning module: short pre-work, then live practice."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="modules")
    week = models.PositiveSmallIntegerField(
        help_text="Week of the phase (1 = the phase's first seven days)."
    )
    topic = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    prework_minutes = models.PositiveSmallIntegerField(default=5)
    prework_content = models.TextField(blank=True)
    practice_minutes = models.PositiveSmallIntegerField(default=25)
    practice_instructions = models.TextField(blank=True)

    class Meta:
        ordering = ["program", "phase__order", "week", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "week"],
                name="module_week_unique",
                violation_error_message="This phase already has a module in that week.",
            ),
            models.CheckConstraint(
                condition=Q(week__gte=1),
                name="module_week_positive",
                violation_error_message="Weeks of a phase are counted from 1.",
            ),
            models.CheckConstraint(
                condition=Q(prework_minutes__gt=0) | Q(practice_minutes__gt=0),
                name="module_has_minutes",
                violation_error_message="A module needs pre-work or practice time.",
            ),
        ]

    def __str__(self):
        return self.topic

    def clean(self):
        super().clean()
        if self.phase_id and self.week and self.week > self.phase.weeks:
            raise ValidationError(
                {"week": f"The phase “{self.phase.name}” has only {self.phase.weeks} week(s)."}
            )


class Rubric(models.Model):
    """A versioned scoring rubric. Once published a version never changes: scores name it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                name="rubric_name_version_unique",
                violation_error_message="A rubric with this name and version exists already.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="rubric_version_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="rubric_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self):
        super().clean()
        if self.pk and Rubric.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValidationError(
                f"{self} is published and cannot change; create a new version to edit it."
            )


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=1)
    key = models.SlugField(
        max_length=64, help_text="Stable identifier used in scores, e.g. question_quality."
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    levels = models.JSONField(
        default=dict,
        blank=True,
        help_text='What each point of the scale means, e.g. {"1": "…", "5": "…"}.',
    )

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name_plural = "rubric criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "key"],
                name="criterion_key_unique",
                violation_error_message="This rubric already has a criterion with this key.",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="criterion_scale_ordered",
                violation_error_message="The top of the scale must be above its bottom.",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=0),
                name="criterion_scale_positive",
                violation_error_message="The scale must be positive.",
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message="A criterion's weight must be positive.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.rubric_id and self.rubric.is_published:
            raise ValidationError(
                f"{self.rubric} is published and cannot change; create a new version to edit it."
            )
        scale_known = self.scale_min is not None and self.scale_max is not None
        if scale_known and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": "The top of the scale must be above its bottom."})
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": "A criterion's weight must be positive."})
        if scale_known:
            self._clean_levels()

    def _clean_levels(self):
        if not isinstance(self.levels, dict):
            raise ValidationError({"levels": "Give {scale point: its meaning}."})
        points = {str(n) for n in range(self.scale_min, self.scale_max + 1)}
        if outside := sorted(set(self.levels) - points):
            raise ValidationError(
                {"levels": f"Not points of the {self.scale_min}-{self.scale_max} scale: "
                 f"{', '.join(outside)}."}
            )  # fmt: skip
        if any(not isinstance(text, str) or len(text) > 300 for text in self.levels.values()):
            raise ValidationError({"levels": "Each meaning is a text of 300 characters at most."})

    def level_rows(self) -> list[tuple[int, str]]:
        """(point, meaning) for the points that have one, in order."""
        return [
            (n, self.levels[str(n)])
            for n in range(self.scale_min, self.scale_max + 1)
            if str(n) in (self.levels or {})
        ]


class Channel(models.TextChoices):
    CALL = "call", "Call"
    CHAT = "chat", "Chat"
    EMAIL = "email", "E-mail"
    OTHER = "other", "Other"


class Intensity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Situation(models.TextChoices):
    REFUND = "refund", "Refund"
    TECHNICAL_FAILURE = "technical_failure", "Technical failure"
    ACCOUNT_PROBLEM = "account_problem", "Account problem"
    GENERAL = "general", "General"


class ScenarioCard(models.Model):
    """A role-play card: who the customer is, what happened, and what good looks like."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="scenario_cards")
    title = models.CharField(max_length=200)
    persona = models.TextField()
    situation = models.TextField()
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.CALL)
    intensity = models.CharField(max_length=16, choices=Intensity.choices)
    stakes = models.TextField(blank=True)
    ambiguity = models.TextField(blank=True)
    curveball = models.TextField(blank=True)
    success_signals = models.TextField(blank=True)
    reflection_questions = models.TextField(blank=True)

    class Meta:
        ordering = ["program", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__in=["low", "medium", "high"]),
                name="scenario_intensity_valid",
            ),
        ]

    def __str__(self):
        return self.title


class MicroScript(models.Model):
    """A line agents keep at hand in the helpdesk: an opening, a validation, a template."""

    class Kind(models.TextChoices):
        OPENING = "opening", "Opening line"
        VALIDATION = "validation", "Validation sentence"
        EMPATHY_BRIDGE = "empathy_bridge", "Empathy bridge"
        NEXT_STEPS = "next_steps", "Next steps"
        INTENSITY_TEMPLATE = "intensity_template", "Intensity template"
        EMPATHY_SANDWICH = "empathy_sandwich", "Empathy sandwich"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="micro_scripts")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    situation = models.CharField(
        max_length=32, choices=Situation.choices, default=Situation.GENERAL
    )
    intensity = models.CharField(max_length=16, choices=Intensity.choices, blank=True)
    locale = models.CharField(max_length=16, default="en")
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["program", "kind", "situation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="intensity_template") | ~Q(intensity=""),
                name="microscript_template_has_intensity",
                violation_error_message="An intensity template names its intensity.",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} ({self.get_situation_display()})"
