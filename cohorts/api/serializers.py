"""Serializers of the cohorts API."""

from zoneinfo import ZoneInfo

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from accounts.models import User
from cohorts.models import (
    CoachingPair,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    RubricScore,
    ScheduleItem,
)
from cohorts.scope import scorable_agents
from config import limits
from config.api import ModelCleanSerializer, ScopedRelatedField, ValuesRowSerializer
from config.limits import ColumnRangeMixin
from config.uploads import max_size_validator
from programs.models import Program
from programs.selectors import program_visible_to

# --- Serializers ---------------------------------------------------------------------------


class LocalDateTimeField(serializers.DateTimeField):
    """A UTC instant shown in the cohort's time zone (ISO 8601 with its offset)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        # Convert here, where the item (and so its cohort's zone) is at hand.
        return super().get_attribute(instance).astimezone(ZoneInfo(instance.cohort.time_zone))

    def to_representation(self, value):
        return value.isoformat()


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "10:00"}
)
class WallClockTimeField(serializers.TimeField):
    """A local time of day: written HH:MM, read HH:MM or HH:MM:SS."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


@extend_schema_field(
    {"oneOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]}
)
class OptionalURLField(serializers.URLField):
    """A link, or "" for none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)


class VisibleProgramField(serializers.PrimaryKeyRelatedField):
    """Any program the requester may see: cohort_create says why a draft gets no cohort."""

    def get_queryset(self):
        return program_visible_to(user=self.context["request"].user)


class CohortSerializer(ModelCleanSerializer):
    program = VisibleProgramField(queryset=Program.objects.all())
    session_time = WallClockTimeField(
        required=False, help_text="Local start time of workshops and coaching sessions."
    )
    video_link = OptionalURLField(required=False)

    class Meta:
        model = Cohort
        fields = [
            "id", "program", "name", "start_date", "time_zone", "session_time", "location",
            "video_link", "facilitators", "status", "avoid_same_team_pairs", "pairing_seed",
            "last_day", "ends_at", "extension_reason", "closed_at", "close_reason",
            "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "status", "facilitators", "extension_reason", "closed_at", "close_reason",
            "created_at",
        ]  # fmt: skip

    last_day = serializers.DateField(
        read_only=True, help_text="Last day, locally (the program's, or as extended)."
    )
    ends_at = serializers.SerializerMethodField(
        help_text="When the cohort closes out: local midnight after its last day, in UTC."
    )

    def get_ends_at(self, cohort) -> str:
        return cohort.ends_at().isoformat()

    def validate_program(self, program):
        if self.instance and program != self.instance.program:
            raise serializers.ValidationError("A cohort's program cannot change.")
        return program


class ScheduleItemSerializer(serializers.ModelSerializer):
    starts_at_local = LocalDateTimeField(source="starts_at")
    ends_at_local = LocalDateTimeField(source="ends_at")
    due_at_local = LocalDateTimeField(source="due_at")
    video_link = OptionalURLField(read_only=True)

    class Meta:
        model = ScheduleItem
        fields = [
            "id", "cohort", "kind", "title", "phase", "workshop", "module", "coaching_week",
            "starts_at", "ends_at", "due_at", "starts_at_local", "ends_at_local",
            "due_at_local", "location", "video_link", "moved", "cancelled", "sequence",
        ]  # fmt: skip
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    starts_at = limits.DateTimeField()
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    video_link = OptionalURLField(required=False)


class AttendanceSerializer(serializers.Serializer):
    """Either `records` for some agents, or `everyone` to mark the whole room at once."""

    records = serializers.ListField(
        child=inline_serializer(
            "AttendanceRecord",
            {"enrollment": limits.IdField(), "attended": serializers.BooleanField()},
        ),
        required=False,
    )
    everyone = serializers.BooleanField(required=False, help_text="Mark every active agent.")

    def validate(self, attrs):
        if not attrs.get("records") and attrs.get("everyone") is None:
            raise serializers.ValidationError("Give `records` or `everyone`.")
        return attrs

    def attendance_map(self, item: ScheduleItem) -> dict[int, bool]:
        if self.validated_data.get("everyone") is not None:
            active = item.cohort.enrollments.filter(status=Enrollment.Status.ACTIVE)
            return dict.fromkeys(
                active.values_list("pk", flat=True), self.validated_data["everyone"]
            )
        return {r["enrollment"]: r["attended"] for r in self.validated_data["records"]}


class EnrollmentSerializer(serializers.ModelSerializer):
    agent_email = serializers.EmailField(source="agent.email", read_only=True)
    agent_name = serializers.CharField(source="agent.display_name", read_only=True)
    team = serializers.CharField(
        source="agent.team.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id", "cohort", "agent", "agent_email", "agent_name", "team", "status",
            "enrolled_at", "status_changed_at", "missing_items",
        ]  # fmt: skip
        read_only_fields = ["status", "enrolled_at", "status_changed_at", "missing_items"]


class EnrollmentEventSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = EnrollmentEvent
        fields = ["from_status", "to_status", "reason", "by", "at"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ExtendSerializer(serializers.Serializer):
    last_day = serializers.DateField(help_text="The new last day, in the cohort's time zone.")
    reason = serializers.CharField(max_length=300)


ENROLMENT_FILE_SIZE = max_size_validator("ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES", "enrolment")


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(validators=[ENROLMENT_FILE_SIZE])
    dry_run = serializers.BooleanField(default=False)


class PersonSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(source="pk")
    agent = serializers.IntegerField(source="agent_id")
    name = serializers.CharField(source="agent.display_name")
    email = serializers.EmailField(source="agent.email")


class CoachingPairSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField(source="item.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="item.ends_at", read_only=True)

    class Meta:
        model = CoachingPair
        fields = [
            "id", "cohort", "week", "starts_at", "ends_at", "members", "session",
            "session_recorded_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_members(self, pair) -> list[dict]:
        return PersonSerializer([m.enrollment for m in pair.members.all()], many=True).data


class SessionSerializer(serializers.Serializer):
    session = serializers.ChoiceField(choices=["held", "missed"])
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RubricScoreSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    subject = ScopedRelatedField(scope=scorable_agents, queryset=User.objects.all())
    scorer_name = serializers.CharField(source="scorer.display_name", read_only=True)
    rubric_version = serializers.IntegerField(source="rubric.version", read_only=True)
    counts_toward_certification = serializers.BooleanField(read_only=True)

    class Meta:
        model = RubricScore
        fields = [
            "id", "rubric", "rubric_version", "scorer", "scorer_name", "subject", "context",
            "observed", "values", "percent", "cohort", "coaching_pair", "interaction_ref",
            "feedback", "comments", "strength", "next_step", "counts_toward_certification",
            "acknowledged_at", "scored_at",
        ]  # fmt: skip
        read_only_fields = [
            "scorer", "percent", "cohort", "coaching_pair", "acknowledged_at",
            "counts_toward_certification",
        ]  # fmt: skip
        extra_kwargs = {"scored_at": {"required": False}}


class RubricScoreRowSerializer(ValuesRowSerializer):
    """A score as the list shows it, read from a `.values(*COLUMNS)` row: the fields and
    formats of RubricScoreSerializer without three model instances (score, rubric, scorer)
    per row, which cost as much as the rest of the page. Tests prove the two agree."""

    COLUMNS = (
        "id", "rubric_id", "rubric__version", "scorer_id", "scorer__display_name",
        "subject_id", "context", "observed", "values", "percent", "cohort_id",
        "coaching_pair_id", "interaction_ref", "feedback", "comments", "strength", "next_step",
        "acknowledged_at", "scored_at",
    )  # fmt: skip

    id = serializers.IntegerField()
    rubric = serializers.IntegerField(source="rubric_id")
    rubric_version = serializers.IntegerField(source="rubric__version")
    scorer = serializers.IntegerField(source="scorer_id")
    scorer_name = serializers.CharField(source="scorer__display_name")
    subject = serializers.IntegerField(source="subject_id")
    context = serializers.CharField()
    observed = serializers.CharField()
    values = serializers.JSONField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    cohort = serializers.IntegerField(source="cohort_id")
    coaching_pair = serializers.IntegerField(source="coaching_pair_id")
    interaction_ref = serializers.CharField()
    feedback = serializers.CharField()
    comments = serializers.JSONField()
    strength = serializers.CharField()
    next_step = serializers.CharField()
    counts_toward_certification = serializers.SerializerMethodField()
    acknowledged_at = serializers.DateTimeField()
    scored_at = serializers.DateTimeField()

    def get_counts_toward_certification(self, row) -> bool:
        return row["context"] not in RubricScore.NEVER_CERTIFYING


class PeerScoreSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    values = serializers.JSONField()
    observed = serializers.ChoiceField(choices=RubricScore.Observed.choices, default="interaction")
    interaction_ref = serializers.CharField(required=False, allow_blank=True, default="")
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
