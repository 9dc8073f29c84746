import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known IANA time zone, e.g. Europe/Paris.")


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    managers = models.ManyToManyField(
        "accounts.User",
        blank=True,
        related_name="managed_teams",
        limit_choices_to={"role": "manager"},
        help_text="Training managers who may read and act on this team's people "
        "(baselines, experiments, interactions). See cohorts/scope.py.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.MANAGER)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: agents, coaches, training managers and HR.

    The e-mail address is the login. Each person has exactly one role; what a role may do
    is enforced by the API's permission classes (accounts/permissions.py).
    """

    class Role(models.TextChoices):
        AGENT = "agent", "Agent"
        COACH = "coach", "Coach / QA reviewer"
        MANAGER = "manager", "Training manager"
        HR = "hr", "HR"

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the person may sign in to the admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    hired_on = models.DateField(null=True, blank=True, help_text="First day at the company.")
    left_on = models.DateField(null=True, blank=True, help_text="Last day, once they left.")
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="SHA-256 of the secret in the private calendar-feed URL (the secret itself "
        "is never stored); empty when there is no feed.",
    )
    calendar_salt = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="With the server's secret key, makes the feed URL's secret.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["agent", "coach", "manager", "hr"]),
                name="accounts_user_role_valid",
            ),
            # Retention and attrition measure time from hire to departure: a departure
            # before the hire would be a negative duration.
            models.CheckConstraint(
                condition=models.Q(hired_on__isnull=True)
                | models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("hired_on")),
                name="accounts_user_left_on_after_hired_on",
            ),
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.hired_on and self.left_on and self.left_on < self.hired_on:
            raise ValidationError(
                {"left_on": "The last day cannot be before the first day (hired on)."}
            )

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def is_manager(self) -> bool:
        return self.is_superuser or self.role == self.Role.MANAGER

    @property
    def is_hr(self) -> bool:
        return self.role == self.Role.HR


class Invitation(models.Model):
    """An invitation for a person Attune created (e.g. from an enrolment CSV) to set a
    password and sign in.

    No secret is stored: the e-mailed link is signed, names the invitation and how many
    times it was sent, and expires. Sending again makes every older link invalid; accepting
    or revoking ends the invitation. At most one invitation per person is open at a time.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    times_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.user}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        return "revoked" if self.revoked_at else "waiting"


# --- Reminders and notifications ----------------------------------------------------------


class ReminderKind(models.TextChoices):
    PREWORK_DUE = "prework_due", "Pre-work due tomorrow"
    SESSION_DAY_BEFORE = "session_day_before", "Session tomorrow"
    SESSION_HOUR_BEFORE = "session_hour_before", "Session in an hour"
    PEER_SCORE_MISSING = "peer_score_missing", "Peer score still missing"
    ROLE_PLAY_ELIGIBLE = "role_play_eligible", "Ready to book the certification role-play"
    BADGE_EXPIRING = "badge_expiring", "Badge expires soon (90, 30 and 7 days before)"
    WEEKLY_DIGEST = "weekly_digest", "Monday digest for facilitators"
    REVIEW_OVERDUE = "review_overdue", "QA review overdue"
    PROGRAM_OUTCOME = "program_outcome", "Your outcome when a cohort ends"
    INVITATION = "invitation", "Invitation to set a password"
    DEBRIEF_REQUEST = "debrief_request", "A teammate asks you for a debrief"
    WELLBEING_PULSE = "wellbeing_pulse", "Monthly wellbeing pulse (optional)"
    ROTATION_ADVISORY = "rotation_advisory", "An agent took an account's escalations in a row"
    RECOVERY_PROMPT = "recovery_prompt", "A break after a high-intensity contact"
    HELPDESK_SYNC_STOPPED = "helpdesk_sync_stopped", "A helpdesk source stopped syncing"


# What a person cannot turn off: no opt-out, no unsubscribe link.
# The outcome of a program is told once, like an invitation: not a reminder to opt out of.
# A helpdesk source that stopped is a broken integration its owner must hear about.
NOT_OPTIONAL_KINDS = frozenset(
    {ReminderKind.INVITATION, ReminderKind.PROGRAM_OUTCOME, ReminderKind.HELPDESK_SYNC_STOPPED}
)
OPTIONAL_KIND_CHOICES = [
    (k, label) for k, label in ReminderKind.choices if k not in NOT_OPTIONAL_KINDS
]


class ReminderSwitch(models.Model):
    """Operators' kill switches for one kind: stop creating it, or stop sending it."""

    kind = models.CharField(max_length=32, choices=ReminderKind.choices, unique=True)
    enqueue_enabled = models.BooleanField(
        default=True, help_text="Off: the sweep creates no new reminders of this kind."
    )
    deliver_enabled = models.BooleanField(
        default=True, help_text="Off: reminders of this kind wait unsent (nothing is lost)."
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class ReminderOptOut(models.Model):
    """A person who turned one kind of reminder off (one click from any such e-mail)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_opt_outs")
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="opt_out_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.user} opted out of {self.get_kind_display()}"


class Outbox(models.Model):
    """One reminder to one person, and whether it went out.

    Unique on what makes a reminder one (recipient, kind, object, slot): a rerun of the
    sweep, an overlapping sweep or a redelivered task finds the row and sends nothing new.
    A row is marked sent only after its e-mail went out; a failure is recorded with the
    time of the next attempt.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being delivered"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        DEAD = "dead", "Gave up"
        CANCELLED = "cancelled", "Cancelled"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    slot = models.CharField(max_length=64, help_text="Which occurrence, e.g. the due time.")
    context = models.JSONField(default=dict)
    deliver_after = models.DateTimeField(help_text="Not before this (quiet hours respected).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "outbox"
        ordering = ["deliver_after", "id"]
        indexes = [models.Index(fields=["status", "deliver_after"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_type", "object_id", "slot"],
                name="outbox_one_reminder_per_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} ({self.get_status_display()})"


class Notification(models.Model):
    """An in-app notification; at most one per outbox row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    outbox = models.OneToOneField(
        Outbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


# --- Personal API tokens ------------------------------------------------------------------


class ApiToken(models.Model):
    """A personal token a script sends as `Authorization: Bearer <token>`.

    Only a SHA-256 hash of the token is stored (the token is 256 random bits, so a fast
    hash is enough); the token itself is shown once, when it is created. `prefix` is the
    token's first characters, not secret, so people can tell their tokens apart. A revoked
    token is kept (revoked_at set) so the admin shows what was used and when.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. nightly export.")
    prefix = models.CharField(max_length=16, db_index=True, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="accounts_apitoken_live_name_unique",
                violation_error_message="You already have a token with this name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
