"""People going through a program: cohorts, enrolment, the dated schedule, progress,
coaching pairs and rubric scores.

Times are stored in UTC; a cohort's schedule is computed in the cohort's own time zone
(cohorts/schedule.py), so a workshop at 10:00 stays at 10:00 local across a DST change.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import validate_time_zone


class Cohort(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCHEDULED = "scheduled", "Scheduled"  # started; day 1 is still to come, locally
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"  # closed out: each agent completed or not
        CANCELLED = "cancelled", "Cancelled"

    # Started: the schedule is laid out and pairs drawn (before day 1, or during the run).
    STARTED_STATUSES = (Status.SCHEDULED, Status.RUNNING)

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(max_length=200)
    start_date = models.DateField(help_text="Day 1 of the program, in the cohort's time zone.")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    session_time = models.TimeField(
        default="10:00", help_text="Local start time of workshops and coaching sessions."
    )
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_cohorts", blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    avoid_same_team_pairs = models.BooleanField(
        default=False, help_text="Prefer coaching partners from different teams."
    )
    pairing_seed = models.PositiveIntegerField(
        default=1, help_text="Coaching pairs are the same for the same seed and agents."
    )
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="Last day when the cohort was extended; empty: the program's last day.",
    )
    extension_reason = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(
        max_length=300, blank=True, help_text="Why a manager closed it before its last day."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When `schedule_sync` last laid the dated schedule out from the program; empty until
    # the cohort starts. Older than the program's `content_changed_at`: a resync is due.
    schedule_laid_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["planned", "scheduled", "running", "finished", "cancelled"]
                ),
                name="cohort_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def local_today(self) -> datetime.date:
        return timezone.now().astimezone(ZoneInfo(self.time_zone)).date()

    @property
    def is_started(self) -> bool:
        return self.status in self.STARTED_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.FINISHED, self.Status.CANCELLED)

    @property
    def last_day(self) -> datetime.date:
        """The cohort's last day, locally: the program's last day unless it was extended."""
        if self.end_date:
            return self.end_date
        # `program_days` is annotated by querysets that read many cohorts (the sweep, the
        # API), and otherwise read once per instance.
        if getattr(self, "program_days", None) is None:
            last = self.program.phases.aggregate(last=models.Max("last_day"))["last"]
            self.program_days = last or 1
        return self.start_date + datetime.timedelta(days=self.program_days - 1)

    def ends_at(self, last_day: datetime.date | None = None) -> datetime.datetime:
        """The moment the cohort ends: local midnight after its last day, in UTC."""
        day_after = (last_day or self.last_day) + datetime.timedelta(days=1)
        local = datetime.datetime.combine(day_after, datetime.time.min, ZoneInfo(self.time_zone))
        return local.astimezone(datetime.UTC)


class Enrollment(models.Model):
    """An agent in a cohort. Status changes are kept in EnrollmentEvent."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"
        NOT_COMPLETED = "not_completed", "Not completed"

    # Enrolments are history (withdraw, never delete): a cohort that has any is kept.
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    # Repeats cohort.program so that the database can hold "one active enrolment per agent
    # per program" as a constraint.
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    missing_items = models.JSONField(
        default=list,
        blank=True,
        help_text="What the completion rule still asked for when the cohort closed.",
    )

    class Meta:
        ordering = ["cohort", "agent__display_name", "agent__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "agent"],
                name="enrollment_once_per_cohort",
                violation_error_message="This agent is already enrolled in this cohort.",
            ),
            models.UniqueConstraint(
                fields=["program", "agent"],
                condition=Q(status="active"),
                name="enrollment_one_active_per_program",
                violation_error_message="This agent is already enrolled in this program.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "withdrawn", "completed", "not_completed"]),
                name="enrollment_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.agent} in {self.cohort}"


class EnrollmentEvent(models.Model):
    """One status change of an enrolment: who, when, from what to what, and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enrollment", "at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"


class ScheduleItem(models.Model):
    """A dated entry of a cohort's plan: a workshop session, a module window, a coaching week.

    Items are keyed by what they come from (the workshop, the module, the coaching week), so
    regenerating the schedule updates them in place and progress recorded against them
    stays attached.
    """

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop session"
        MODULE = "module", "Module window"
        COACHING = "coaching", "Coaching week"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="schedule_items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    workshop = models.ForeignKey(
        "programs.Workshop", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    module = models.ForeignKey(
        "programs.Module", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coaching_week = models.PositiveSmallIntegerField(null=True, blank=True)
    phase = models.ForeignKey(
        "programs.Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="When it counts as due for progress.")
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(blank=True)
    moved = models.BooleanField(
        default=False, help_text="Moved by hand: regeneration keeps its time."
    )
    cancelled = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0, help_text="Raised each time it moves.")

    class Meta:
        ordering = ["cohort", "starts_at", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "workshop"],
                condition=Q(workshop__isnull=False),
                name="schedule_one_session_per_workshop",
            ),
            models.UniqueConstraint(
                fields=["cohort", "module"],
                condition=Q(module__isnull=False),
                name="schedule_one_window_per_module",
            ),
            models.UniqueConstraint(
                fields=["cohort", "coaching_week"],
                condition=Q(coaching_week__isnull=False),
                name="schedule_one_item_per_coaching_week",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="schedule_item_ends_after_start",
                violation_error_message="An item cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class ModuleProgress(models.Model):
    """An agent's progress on one module window: pre-work, then live practice.

    Kept against the schedule item (not the module) so that editing the program never
    loses it: a removed module's item is cancelled, not deleted.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="module_progress"
    )
    item = models.ForeignKey(ScheduleItem, on_delete=models.CASCADE, related_name="progress")
    prework_done_at = models.DateTimeField(null=True, blank=True)
    practice_attended_at = models.DateTimeField(null=True, blank=True)
    practice_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "module progress"
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "item"], name="module_progress_once_per_item"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} / {self.item}"

    @property
    def completed(self) -> bool:
        return self.prework_done_at is not None and self.practice_attended_at is not None


class Attendance(models.Model):
    """Whether an agent attended a workshop session, as recorded by a facilitator."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    item = models.ForeignKey(ScheduleItem, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "item"], name="attendance_once_per_item"),
        ]

    def __str__(self):
        return f"{self.enrollment} {'attended' if self.attended else 'absent'}"


class CoachingPair(models.Model):
    """Two (or, with an odd count, three) agents who coach each other for one week."""

    class Session(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        MISSED = "missed", "Missed"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="coaching_pairs")
    week = models.PositiveSmallIntegerField(help_text="Coaching week of the cohort, from 1.")
    item = models.ForeignKey(ScheduleItem, on_delete=models.CASCADE, related_name="coaching_pairs")
    session = models.CharField(max_length=16, choices=Session.choices, default=Session.PLANNED)
    session_recorded_at = models.DateTimeField(null=True, blank=True)
    session_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["cohort", "week", "id"]

    def __str__(self):
        return f"{self.cohort} week {self.week} pair {self.pk}"


class CoachingPairMember(models.Model):
    pair = models.ForeignKey(CoachingPair, on_delete=models.CASCADE, related_name="members")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    # Repeated from the pair so the database can hold "one pair per agent per week".
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pair", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "week", "enrollment"], name="coaching_one_pair_per_week"
            ),
        ]

    def __str__(self):
        return str(self.enrollment)


class RubricScore(models.Model):
    """One application of a rubric version: who scored whom, in which context, how.

    `values` maps each criterion key to its score; `percent` is derived from them by
    `rubric_score_create` (weighted mean of value / scale maximum) and never typed in.
    """

    class Context(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        PEER = "peer", "Peer practice"
        QA = "qa", "QA review"
        ROLE_PLAY = "role_play", "Role-play"
        CALIBRATION = "calibration", "Calibration"

    class Observed(models.TextChoices):
        INTERACTION = "interaction", "Observed interaction"
        ROLE_PLAY = "role_play", "Role-play"

    rubric = models.ForeignKey("programs.Rubric", on_delete=models.PROTECT, related_name="scores")
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores_given"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores_received"
    )
    context = models.CharField(max_length=16, choices=Context.choices)
    observed = models.CharField(
        max_length=16, choices=Observed.choices, default=Observed.INTERACTION
    )
    values = models.JSONField(help_text="Criterion key -> score on that criterion's scale.")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores"
    )
    coaching_pair = models.ForeignKey(
        CoachingPair, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores"
    )
    interaction_ref = models.CharField(
        max_length=200, blank=True, help_text="The helpdesk ticket or call this score is about."
    )
    feedback = models.TextField(blank=True)
    comments = models.JSONField(
        default=dict, blank=True, help_text="Criterion key -> the scorer's comment on it."
    )
    strength = models.TextField(blank=True, help_text="One thing the agent did well.")
    next_step = models.TextField(blank=True, help_text="One thing to try next time.")
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agent confirmed they read the feedback."
    )
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes",
        help_text="The score that replaced this one after a dispute; this one stays.",
    )  # fmt: skip
    scored_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "context", "-scored_at"]),
            # The reminder sweep looks only at scores recorded lately (certification).
            models.Index(fields=["created_at"], name="cohorts_score_created_idx"),
            # The API's list is newest first: its first page reads the index, no sort.
            models.Index(fields=["-scored_at", "-id"], name="rubric_score_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=Decimal(0)) & Q(percent__lte=Decimal(100)),
                name="rubric_score_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(context__in=["baseline", "peer", "qa", "role_play", "calibration"]),
                name="rubric_score_context_valid",
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.percent}% ({self.get_context_display()})"

    # Contexts that can never count toward certification, whatever a gate says.
    NEVER_CERTIFYING = ("peer", "calibration")

    @property
    def counts_toward_certification(self) -> bool:
        """Peer and calibration scores never do; the gate chooses among the others."""
        return self.context not in self.NEVER_CERTIFYING

    @property
    def scorer_label(self) -> str:
        """Who gave it, as the agent sees it: "peer" for peer practice, else the name."""
        if self.context == self.Context.PEER:
            return "a peer"
        return self.scorer.display_name or self.scorer.email

    def criteria_feedback(self) -> list[dict]:
        """Each criterion of the rubric version, in order, with its score and comment."""
        return [
            {
                "name": criterion.name,
                "value": self.values.get(criterion.key),
                "scale_max": criterion.scale_max,
                "comment": (self.comments or {}).get(criterion.key, ""),
            }
            for criterion in sorted(self.rubric.criteria.all(), key=lambda c: c.order)
        ]


class RubricScoreWeek(models.Model):
    """One agent's rubric scores in one week, summed: what HR's weekly rubric average adds
    up. Calibration scores are left out, as the reports leave them out.

    `week` is the Monday of the week in settings.TIME_ZONE, as the reports bucket scores
    (TruncWeek). Derived data, kept current by `rubric_score_create` (the only writer of
    scores) and rebuilt with the interactions' rollup (`rebuild_interaction_weeks`).
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    week = models.DateField()
    rubric_n = models.PositiveIntegerField()
    rubric_sum = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "week"], name="rubric_score_week_once")
        ]
        indexes = [models.Index(fields=["week"])]

    def __str__(self):
        return f"{self.subject_id} in the week of {self.week}"


class Experiment(models.Model):
    """A controlled A/B test: agents of a cohort or of some teams are assigned at random,
    within each team, to the treatment (scripts and coaching) or the control group
    (business as usual: no coaching pairs or modules during the window)."""

    name = models.CharField(max_length=200)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="experiments"
    )
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    seed = models.BigIntegerField(help_text="Assigning again with this seed gives the same groups.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-window_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="experiment_window_ordered",
                violation_error_message="The window must end after it starts.",
            ),
        ]

    def __str__(self):
        return self.name


class ExperimentAssignment(models.Model):
    class Group(models.TextChoices):
        TREATMENT = "treatment", "Treatment (scripts and coaching)"
        CONTROL = "control", "Control (business as usual)"

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.CharField(max_length=16, choices=Group.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["experiment", "agent"], name="experiment_agent_once"),
        ]

    def __str__(self):
        return f"{self.agent} in {self.group}"


class RefresherSchedule(models.Model):
    """A recurring refresher: every quarter a cohort of `refresher_program` opens for the
    agents certified in `source_program` (cohorts/services/refreshers.py decides who)."""

    source_program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="refresher_schedules",
        help_text="Agents certified in this program are refreshed.",
    )
    refresher_program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The short program each quarterly cohort runs.",
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_refreshers", blank=True
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    session_time = models.TimeField(default="10:00")
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField(blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive schedules open no new cohorts."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source_program__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_program=models.F("refresher_program")),
                name="refresher_programs_differ",
                violation_error_message="A program cannot be its own refresher.",
            ),
        ]

    def __str__(self):
        return f"{self.refresher_program} for {self.source_program}"


class RefresherRun(models.Model):
    """The cohort a schedule opened for one quarter: at most one per schedule and quarter,
    so a rerun or a second worker finds the row and stops."""

    schedule = models.ForeignKey(RefresherSchedule, on_delete=models.CASCADE, related_name="runs")
    quarter_start = models.DateField(help_text="First day of the quarter, locally.")
    cohort = models.OneToOneField(Cohort, on_delete=models.PROTECT, related_name="refresher_run")
    enrolled = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-quarter_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "quarter_start"], name="refresher_run_once_per_quarter"
            ),
        ]

    def __str__(self):
        return f"{self.schedule} from {self.quarter_start}"
