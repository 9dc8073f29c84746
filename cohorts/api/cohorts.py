"""Cohorts, enrolments and the dated schedule."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.permissions import IsManagerOrReadOnly
from cohorts import selectors, services
from cohorts.api.serializers import (
    AttendanceSerializer,
    CohortSerializer,
    EnrollmentEventSerializer,
    EnrollmentSerializer,
    ExtendSerializer,
    ImportSerializer,
    MoveSerializer,
    ReasonSerializer,
    ScheduleItemSerializer,
)
from cohorts.enrollment_import import enrollment_import
from cohorts.models import (
    Enrollment,
)
from config.pagination import ProgressPagination
from config.parsers import JSONParser
from config.uploads import ERRORS_CSV, ERRORS_PARAMETER, errors_csv_response

# --- Cohorts -------------------------------------------------------------------------------


def _require_facilitator(user, cohort):
    if not selectors.is_facilitator(user=user, cohort=cohort):
        raise PermissionDenied("Only this cohort's facilitators may do this.")


# One agent's progress in the cohort (the rows of GET /api/cohorts/{id}/progress/).
PROGRESS_ROW_FIELDS = {
    "enrollment": serializers.IntegerField(), "agent": serializers.IntegerField(),
    "name": serializers.CharField(), "email": serializers.EmailField(),
    "team": serializers.CharField(), "status": serializers.CharField(),
    "current_phase": serializers.CharField(), "done": serializers.IntegerField(),
    "due": serializers.IntegerField(), "overdue": serializers.IntegerField(),
    "total": serializers.IntegerField(), "percent_complete": serializers.FloatField(),
    "behind": serializers.BooleanField(), "overdue_items": serializers.ListField(),
    "missing_items": serializers.ListField(),
}  # fmt: skip


class CohortViewSet(viewsets.ModelViewSet):
    """Cohorts of a program. Managers open them and become their facilitators."""

    serializer_class = CohortSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["program", "status"]
    search_fields = ["name"]
    ordering_fields = ["start_date", "name"]

    def get_queryset(self):
        visible = selectors.cohort_visible_to(user=self.request.user)
        return selectors.with_program_days(visible).prefetch_related("facilitators")

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

    @extend_schema(request=ReasonSerializer, responses=CohortSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the cohort before its last day: each active agent is completed or not."""
        cohort = self.get_object()
        _require_facilitator(request.user, cohort)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cohort = services.cohort_close(
            cohort=cohort, by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(CohortSerializer(cohort, context=self.get_serializer_context()).data)

    @extend_schema(request=ExtendSerializer, responses=CohortSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Give the cohort a later last day, with a reason."""
        cohort = self.get_object()
        _require_facilitator(request.user, cohort)
        serializer = ExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cohort = services.cohort_extend(cohort=cohort, by=request.user, **serializer.validated_data)
        return Response(CohortSerializer(cohort, context=self.get_serializer_context()).data)

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

    @extend_schema(request=ImportSerializer, parameters=[ERRORS_PARAMETER], responses={
        (200, "application/json"): inline_serializer("ImportReport", {
            "dry_run": serializers.BooleanField(), "applied": serializers.BooleanField(),
            "rows": serializers.ListField(), "errors": serializers.ListField(),
            "errors_shown": serializers.IntegerField(), "counts": serializers.DictField(),
        }),
        (200, "text/csv"): ERRORS_CSV,
    })  # fmt: skip
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
        if request.query_params.get("errors") == "csv":
            return errors_csv_response(report.errors, filename="enrolment-errors.csv")
        code = status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)

    @extend_schema(responses=ScheduleItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def schedule(self, request, pk=None):
        """The cohort's dated plan, in UTC and in the cohort's local time."""
        cohort = self.get_object()
        items = cohort.schedule_items.select_related("cohort").order_by("starts_at", "id")
        return Response(ScheduleItemSerializer(items, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="Page number (500 agents a page)."),
            OpenApiParameter("behind", bool, description="Only the agents who are behind."),
        ],
        responses=inline_serializer("PaginatedProgressRowList", {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": inline_serializer("ProgressRow", PROGRESS_ROW_FIELDS, many=True),
        }),
    )  # fmt: skip
    @action(detail=True, methods=["get"], pagination_class=ProgressPagination)
    def progress(self, request, pk=None):
        """One row per agent: phase, items done / due / overdue, % complete, who is behind;
        in pages of 500 agents (`?page=N`), `?behind=true` for those behind only."""
        cohort = self.get_object()
        _require_facilitator(request.user, cohort)
        now = timezone.now()
        if request.query_params.get("behind") in ("true", "1"):
            # Who is behind is told once, for the count and the page (`behind_ids`).
            ids = self.paginate_queryset(
                selectors.behind_ids(cohort=cohort, now=now, active_only=False)
            )
            rows = selectors.progress_enrollments(cohort=cohort).filter(pk__in=ids)
            found = {row["pk"]: row for row in rows.values(*PROGRESS_VALUES)}
            page = [found[pk] for pk in ids if pk in found]
        else:
            enrollments = selectors.progress_enrollments(cohort=cohort)
            page = self.paginate_queryset(enrollments.values(*PROGRESS_VALUES))
        progress = selectors.progress_by_enrollment(
            cohort=cohort, now=now, enrollment_ids=[row["pk"] for row in page]
        )
        return self.get_paginated_response([_progress_row(row, progress) for row in page])


# What a progress row reads of each enrolment; its progress is counted apart.
PROGRESS_VALUES = (
    "pk", "agent_id", "agent__display_name", "agent__email", "agent__team__name", "status",
    "missing_items",
)  # fmt: skip


def _progress_row(row: dict, progress: dict[int, selectors.Progress]) -> dict:
    agent = progress[row["pk"]]
    return {
        "enrollment": row["pk"],
        "agent": row["agent_id"],
        "name": row["agent__display_name"],
        "email": row["agent__email"],
        "team": row["agent__team__name"] or "",
        "status": row["status"],
        "current_phase": agent.current_phase,
        "done": agent.done,
        "due": agent.due,
        "overdue": agent.overdue,
        "total": agent.total,
        "percent_complete": agent.percent_complete,
        "behind": agent.behind,
        "overdue_items": agent.overdue_items,
        "missing_items": row["missing_items"],
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
