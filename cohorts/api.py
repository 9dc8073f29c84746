"""REST API for cohorts: enrolment, the dated schedule, progress, coaching and scores.

Every queryset is scoped to the requesting user first (cohorts/selectors.py): a manager
sees the cohorts they facilitate, an agent only their own enrolments, plan, pairs and
the scores about them. Anything else answers 404.
"""

from zoneinfo import ZoneInfo

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import IsManagerOrReadOnly
from cohorts import selectors, services
from cohorts.enrollment_import import enrollment_import
from cohorts.models import (
    CoachingPair,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    RubricScore,
    ScheduleItem,
)
from config.api import ModelCleanSerializer
from programs.models import Program, Rubric

# --- Serializers ---------------------------------------------------------------------------


class LocalDateTimeField(serializers.DateTimeField):
    """A UTC instant shown in the cohort's time zone (ISO 8601 with its offset)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        zone = ZoneInfo(self.context_zone())
        return value.astimezone(zone).isoformat()

    def get_attribute(self, instance):
        self._zone = instance.cohort.time_zone
        return super().get_attribute(instance)

    def context_zone(self):
        return self._zone


class CohortSerializer(ModelCleanSerializer):
    program = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.filter(status=Program.Status.PUBLISHED)
    )

    class Meta:
        model = Cohort
        fields = [
            "id", "program", "name", "start_date", "time_zone", "session_time", "location",
            "video_link", "facilitators", "status", "avoid_same_team_pairs", "pairing_seed",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "facilitators", "created_at"]

    def validate_program(self, program):
        if self.instance and program != self.instance.program:
            raise serializers.ValidationError("A cohort's program cannot change.")
        return program


class ScheduleItemSerializer(serializers.ModelSerializer):
    starts_at_local = LocalDateTimeField(source="starts_at")
    ends_at_local = LocalDateTimeField(source="ends_at")
    due_at_local = LocalDateTimeField(source="due_at")

    class Meta:
        model = ScheduleItem
        fields = [
            "id", "cohort", "kind", "title", "phase", "workshop", "module", "coaching_week",
            "starts_at", "ends_at", "due_at", "starts_at_local", "ends_at_local",
            "due_at_local", "location", "video_link", "moved", "cancelled", "sequence",
        ]  # fmt: skip
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    video_link = serializers.URLField(required=False, allow_blank=True)


class AttendanceSerializer(serializers.Serializer):
    """Either `records` for some agents, or `everyone` to mark the whole room at once."""

    records = serializers.ListField(
        child=inline_serializer(
            "AttendanceRecord",
            {"enrollment": serializers.IntegerField(), "attended": serializers.BooleanField()},
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
    team = serializers.CharField(source="agent.team.name", read_only=True, default=None)

    class Meta:
        model = Enrollment
        fields = [
            "id", "cohort", "agent", "agent_email", "agent_name", "team", "status",
            "enrolled_at", "status_changed_at",
        ]  # fmt: skip
        read_only_fields = ["status", "enrolled_at", "status_changed_at"]


class EnrollmentEventSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = EnrollmentEvent
        fields = ["from_status", "to_status", "reason", "by", "at"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
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


class RubricScoreSerializer(serializers.ModelSerializer):
    scorer_name = serializers.CharField(source="scorer.display_name", read_only=True)
    rubric_version = serializers.IntegerField(source="rubric.version", read_only=True)

    class Meta:
        model = RubricScore
        fields = [
            "id", "rubric", "rubric_version", "scorer", "scorer_name", "subject", "context",
            "observed", "values", "percent", "cohort", "coaching_pair", "interaction_ref",
            "feedback", "scored_at",
        ]  # fmt: skip
        read_only_fields = ["scorer", "percent", "cohort", "coaching_pair"]
        extra_kwargs = {"scored_at": {"required": False}}


class PeerScoreSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    values = serializers.JSONField()
    observed = serializers.ChoiceField(choices=RubricScore.Observed.choices, default="interaction")
    interaction_ref = serializers.CharField(required=False, allow_blank=True, default="")
    feedback = serializers.CharField(required=False, allow_blank=True, default="")


# --- Cohorts -------------------------------------------------------------------------------


def _require_facilitator(user, cohort):
    if not selectors.is_facilitator(user=user, cohort=cohort):
        raise PermissionDenied("Only this cohort's facilitators may do this.")


class CohortViewSet(viewsets.ModelViewSet):
    """Cohorts of a program. Managers open them and become their facilitators."""

    serializer_class = CohortSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["program", "status"]
    search_fields = ["name"]
    ordering_fields = ["start_date", "name"]

    def get_queryset(self):
        return selectors.cohort_visible_to(user=self.request.user).prefetch_related("facilitators")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.cohort_create(created_by=self.request.user, **data)

    def perform_update(self, serializer):
        with transaction.atomic():
            previous_start = serializer.instance.start_date
            cohort = serializer.save()
            if cohort.start_date != previous_start:
                services.cohort_resync(cohort=cohort)

    @extend_schema(request=None, responses=CohortSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        cohort = services.cohort_start(cohort=self.get_object())
        return Response(CohortSerializer(cohort).data)

    @extend_schema(request=None, responses=inline_serializer("SyncResult", {
        "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
        "cancelled": serializers.IntegerField(),
    }))  # fmt: skip
    @action(detail=True, methods=["post"], url_path="regenerate-schedule")
    def regenerate_schedule(self, request, pk=None):
        """Re-lay future items after the program changed; past items stay as they were."""
        return Response(services.cohort_resync(cohort=self.get_object()))

    @extend_schema(request=None, responses=inline_serializer("PairsResult", {
        "weeks": serializers.IntegerField(),
    }))  # fmt: skip
    @action(detail=True, methods=["post"], url_path="regenerate-pairs")
    def regenerate_pairs(self, request, pk=None):
        """Draw coaching pairs again for the weeks that have not started."""
        return Response({"weeks": services.coaching_pairs_generate(cohort=self.get_object())})

    @extend_schema(request=ImportSerializer, responses=inline_serializer("ImportReport", {
        "dry_run": serializers.BooleanField(), "applied": serializers.BooleanField(),
        "rows": serializers.ListField(), "errors": serializers.ListField(),
        "counts": serializers.DictField(),
    }))  # fmt: skip
    @action(
        detail=True,
        methods=["post"],
        url_path="enrollments/import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_enrollments(self, request, pk=None):
        """Enrol agents from a CSV (email, name, team[, time_zone]). All rows or none."""
        cohort = self.get_object()
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = enrollment_import(
            cohort=cohort,
            data=serializer.validated_data["file"].read(),
            dry_run=serializer.validated_data["dry_run"],
            by=request.user,
        )
        code = status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)

    @extend_schema(responses=ScheduleItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def schedule(self, request, pk=None):
        """The cohort's dated plan, in UTC and in the cohort's local time."""
        cohort = self.get_object()
        items = cohort.schedule_items.select_related("cohort").order_by("starts_at", "id")
        return Response(ScheduleItemSerializer(items, many=True).data)

    @extend_schema(responses=inline_serializer("ProgressRow", {
        "enrollment": serializers.IntegerField(), "agent": serializers.IntegerField(),
        "name": serializers.CharField(), "email": serializers.EmailField(),
        "team": serializers.CharField(), "status": serializers.CharField(),
        "current_phase": serializers.CharField(), "done": serializers.IntegerField(),
        "due": serializers.IntegerField(), "overdue": serializers.IntegerField(),
        "total": serializers.IntegerField(), "percent_complete": serializers.FloatField(),
        "behind": serializers.BooleanField(), "overdue_items": serializers.ListField(),
    }, many=True))  # fmt: skip
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """One row per agent: phase, items done / due / overdue, % complete, who is behind."""
        cohort = self.get_object()
        _require_facilitator(request.user, cohort)
        rows = selectors.cohort_progress(cohort=cohort)
        status_filter = request.query_params.get("behind")
        if status_filter in ("true", "1"):
            rows = [row for row in rows if row.behind]
        return Response([_progress_row(row) for row in rows])


def _progress_row(row: selectors.AgentProgress) -> dict:
    agent = row.enrollment.agent
    return {
        "enrollment": row.enrollment.pk,
        "agent": agent.pk,
        "name": agent.display_name,
        "email": agent.email,
        "team": agent.team.name if agent.team else "",
        "status": row.enrollment.status,
        "current_phase": row.current_phase,
        "done": row.done,
        "due": row.due,
        "overdue": row.overdue,
        "total": len(row.items),
        "percent_complete": row.percent_complete,
        "behind": row.behind,
        "overdue_items": [item.title for item in row.overdue_items],
    }


# --- Enrolments ----------------------------------------------------------------------------


class EnrollmentViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Enrolments. Agents see their own; facilitators their cohorts'. Never deleted:
    withdraw and re-activate keep the history."""

    serializer_class = EnrollmentSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["cohort", "status", "agent"]
    search_fields = ["agent__email", "agent__display_name"]

    def get_queryset(self):
        return selectors.enrollment_visible_to(user=self.request.user).select_related(
            "agent", "agent__team"
        )

    def perform_create(self, serializer):
        cohort = serializer.validated_data["cohort"]
        _require_facilitator(self.request.user, cohort)
        serializer.instance = services.enrollment_enroll(
            cohort=cohort, agent=serializer.validated_data["agent"], by=self.request.user
        )

    def _change(self, request, service):
        enrollment = self.get_object()
        _require_facilitator(request.user, enrollment.cohort)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = service(
            enrollment=enrollment, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(EnrollmentSerializer(enrollment).data)

    @extend_schema(request=ReasonSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw the agent; future coaching weeks are re-paired without them."""
        return self._change(request, services.enrollment_withdraw)

    @extend_schema(request=ReasonSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self._change(request, services.enrollment_reactivate)

    @extend_schema(responses=EnrollmentEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        enrollment = self.get_object()
        events = enrollment.events.select_related("by")
        return Response(EnrollmentEventSerializer(events, many=True).data)


# --- Schedule items ------------------------------------------------------------------------


RECORDED = inline_serializer("Recorded", {"recorded": serializers.IntegerField()})


class ScheduleItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Dated items of the cohorts you can see; facilitators move them and take attendance."""

    serializer_class = ScheduleItemSerializer
    filterset_fields = ["cohort", "kind", "cancelled"]
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        return selectors.schedule_item_visible_to(user=self.request.user).select_related("cohort")

    @extend_schema(request=MoveSerializer, responses=ScheduleItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move one session (it keeps its length; regeneration leaves it where you put it)."""
        item = self.get_object()
        _require_facilitator(request.user, item.cohort)
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.schedule_item_move(item=item, **serializer.validated_data)
        return Response(ScheduleItemSerializer(item).data)

    def _record_for_room(self, request, service):
        item = self.get_object()
        _require_facilitator(request.user, item.cohort)
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = service(item=item, attended=serializer.attendance_map(item), by=request.user)
        return Response({"recorded": recorded})

    @extend_schema(request=AttendanceSerializer, responses=RECORDED)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Workshop attendance for one agent or the whole room (`{"everyone": true}`)."""
        return self._record_for_room(request, services.attendance_record)

    @extend_schema(request=AttendanceSerializer, responses=RECORDED)
    @action(detail=True, methods=["post"])
    def practice(self, request, pk=None):
        """Live-practice attendance for a module, for one agent or the whole room."""
        return self._record_for_room(request, services.practice_record)

    @extend_schema(request=None, responses=inline_serializer(
        "PreworkDone", {"prework_done_at": serializers.DateTimeField()}
    ))  # fmt: skip
    @action(detail=True, methods=["post"], url_path="prework-done")
    def prework_done(self, request, pk=None):
        """The signed-in agent marks their own pre-work for this module done."""
        item = self.get_object()
        enrollment = get_object_or_404(
            Enrollment, cohort=item.cohort, agent=request.user, status=Enrollment.Status.ACTIVE
        )
        progress = services.prework_mark_done(enrollment=enrollment, item=item)
        return Response({"prework_done_at": progress.prework_done_at})


# --- Coaching pairs and scores -------------------------------------------------------------


class CoachingPairViewSet(viewsets.ReadOnlyModelViewSet):
    """Weekly coaching pairs: agents see the pairs they are in; facilitators their cohorts'."""

    serializer_class = CoachingPairSerializer
    filterset_fields = ["cohort", "week", "session"]

    def get_queryset(self):
        return (
            selectors.coaching_pair_visible_to(user=self.request.user)
            .select_related("item")
            .prefetch_related("members__enrollment__agent")
        )

    def _member_or_facilitator(self, pair):
        user = self.request.user
        is_member = pair.members.filter(enrollment__agent=user).exists()
        if not (is_member or selectors.is_facilitator(user=user, cohort=pair.cohort)):
            raise PermissionDenied("Only the pair and its facilitators may do this.")

    @extend_schema(request=SessionSerializer, responses=CoachingPairSerializer)
    @action(detail=True, methods=["post"])
    def session(self, request, pk=None):
        """Record the week's session as held or missed (a member or a facilitator)."""
        pair = self.get_object()
        self._member_or_facilitator(pair)
        serializer = SessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.coaching_session_record(pair=pair, **serializer.validated_data)
        return Response(CoachingPairSerializer(pair).data)

    @extend_schema(
        methods=["post"], request=PeerScoreSerializer, responses={201: RubricScoreSerializer}
    )
    @extend_schema(methods=["get"], responses=RubricScoreSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def scores(self, request, pk=None):
        """The pair's peer scores; a member scores a partner with the program's rubric."""
        pair = self.get_object()
        self._member_or_facilitator(pair)
        if request.method == "GET":
            scores = pair.scores.select_related("rubric", "scorer")
            return Response(RubricScoreSerializer(scores, many=True).data)
        serializer = PeerScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = services.peer_score_create(
            pair=pair, scorer=request.user, **serializer.validated_data
        )
        return Response(RubricScoreSerializer(score).data, status=status.HTTP_201_CREATED)


class CanRecordScores(IsAuthenticated):
    message = "Only coaches and training managers record QA, baseline and role-play scores."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return request.user.is_manager or request.user.role == User.Role.COACH


class RubricScoreViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Rubric scores, scoped: agents read scores about them, coaches the ones they gave,
    facilitators their cohorts'. HR reads none. Peer scores are posted on the pair."""

    serializer_class = RubricScoreSerializer
    permission_classes = [CanRecordScores]
    filterset_fields = ["subject", "context", "cohort", "rubric"]
    ordering_fields = ["scored_at", "percent"]

    def get_queryset(self):
        return selectors.rubric_score_visible_to(user=self.request.user).select_related(
            "rubric", "scorer"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if data["context"] == RubricScore.Context.PEER:
            raise PermissionDenied("Peer scores are recorded on the coaching pair.")
        rubric: Rubric = data.pop("rubric")
        serializer.instance = services.rubric_score_create(
            rubric=rubric, scorer=self.request.user, **data
        )


# --- My plan -------------------------------------------------------------------------------


def _plan_item(item, zone):
    if item is None:
        return None
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "starts_at": item.starts_at.astimezone(zone).isoformat(),
        "ends_at": item.ends_at.astimezone(zone).isoformat(),
        "due_at": item.due_at.astimezone(zone).isoformat(),
        "location": item.location,
        "video_link": item.video_link,
    }


def _plan_dict(plan: selectors.Plan) -> dict:
    cohort = plan.enrollment.cohort
    zone = ZoneInfo(plan.enrollment.agent.time_zone or cohort.time_zone)
    module = plan.this_week_module
    progress = plan.progress
    return {
        "cohort": {"id": cohort.pk, "name": cohort.name, "program": cohort.program.name},
        "time_zone": str(zone),
        "current_phase": progress.current_phase,
        "this_week_module": module
        and {
            **_plan_item(module, zone),
            "prework_minutes": module.module.prework_minutes if module.module else None,
            "prework": module.module.prework_content if module.module else "",
            "practice_minutes": module.module.practice_minutes if module.module else None,
            "prework_done": plan.prework_done,
        },
        "upcoming": [_plan_item(item, zone) for item in plan.upcoming],
        "coaching_partners": PersonSerializer(plan.partners, many=True).data,
        "progress": {
            "done": progress.done,
            "due": progress.due,
            "overdue": progress.overdue,
            "total": len(progress.items),
            "percent_complete": progress.percent_complete,
        },
        "scores": RubricScoreSerializer(plan.scores, many=True).data,
    }


@extend_schema(responses=inline_serializer("MyPlan", {"plans": serializers.ListField()}))
@api_view(["GET"])
def my_plan(request):
    """The signed-in agent's plan: this week's module and pre-work, upcoming sessions in
    their local time, this week's coaching partner, progress and scores so far."""
    plans = selectors.my_plan(user=request.user, now=timezone.now())
    return Response({"plans": [_plan_dict(plan) for plan in plans]})
