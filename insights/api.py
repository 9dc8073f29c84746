"""REST API for measurement: interactions, baseline assessments and calibration sessions."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Team, User
from accounts.permissions import IsManagerOrReadOnly, IsNotHR, IsTrainingManager
from cohorts.api import RubricScoreSerializer
from cohorts.models import Cohort, Experiment
from cohorts.scope import managed_agents, managed_cohorts, managed_teams
from cohorts.selectors import experiment_visible_to
from cohorts.services import experiment_create
from config import limits
from config.api import ScopedRelatedField, ValuesListMixin, ValuesRowSerializer
from config.limits import ColumnRangeMixin
from config.pagination import KeysetPagination
from config.uploads import (
    ERRORS_CSV,
    ERRORS_PARAMETER,
    csv_streaming_response,
    errors_csv_response,
    max_size_validator,
)
from insights import exports, figures, reports, selectors, services
from insights.intensity import interaction_intensity_correct
from insights.models import (
    BaselineAssessment,
    BaselineItem,
    CalibrationSession,
    Intensity,
    IntensitySource,
    Interaction,
)
from programs.models import Rubric

# --- Interactions --------------------------------------------------------------------------


class InteractionSerializer(serializers.ModelSerializer):
    agent_email = serializers.EmailField(source="agent.email", read_only=True)
    # Blank until the rules have run (rows stored before intensities existed).
    intensity = serializers.ChoiceField(choices=Intensity.choices, allow_blank=True, read_only=True)
    intensity_source = serializers.ChoiceField(
        choices=IntensitySource.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Interaction
        fields = [
            "id", "source", "external_id", "channel", "agent", "agent_email", "occurred_at",
            "csat", "nps", "understood", "handle_seconds", "escalated",
            "resolved_first_contact", "repeat_contact", "notes", "resolved", "resolution_seconds",
            "account", "intensity", "intensity_reason", "intensity_source",
        ]  # fmt: skip
        read_only_fields = fields


class InteractionRowSerializer(ValuesRowSerializer):
    """An interaction as the list shows it, read from a `.values(*COLUMNS)` row: the fields
    and formats of InteractionSerializer without a model instance (and the agent's) per row,
    which cost as much as the rest of the page. Tests prove the two write the same JSON."""

    COLUMNS = (
        "id", "source", "external_id", "channel", "agent_id", "agent__email", "occurred_at",
        "csat", "nps", "understood", "handle_seconds", "escalated", "resolved_first_contact",
        "repeat_contact", "notes", "resolved", "resolution_seconds", "account", "intensity",
        "intensity_reason", "intensity_source",
    )  # fmt: skip

    id = serializers.IntegerField()
    source = serializers.CharField()
    external_id = serializers.CharField()
    channel = serializers.CharField()
    agent = serializers.IntegerField(source="agent_id")
    agent_email = serializers.EmailField(source="agent__email")
    occurred_at = serializers.DateTimeField()
    csat = serializers.IntegerField()
    nps = serializers.IntegerField()
    understood = serializers.IntegerField()
    handle_seconds = serializers.IntegerField()
    escalated = serializers.BooleanField()
    resolved_first_contact = serializers.BooleanField()
    repeat_contact = serializers.BooleanField()
    notes = serializers.CharField()
    resolved = serializers.BooleanField()
    resolution_seconds = serializers.IntegerField()
    account = serializers.CharField()
    intensity = serializers.CharField()
    intensity_reason = serializers.CharField()
    intensity_source = serializers.CharField()


class IntensityCorrectionSerializer(serializers.Serializer):
    intensity = serializers.ChoiceField(choices=Intensity.choices)


class InteractionFilter(filters.FilterSet):
    # Bounded like every date the API takes (config/limits.py): year 267 is no filter.
    occurred_after = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", validators=[limits.validate_year_in_range]
    )
    occurred_before = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", validators=[limits.validate_year_in_range]
    )

    class Meta:
        model = Interaction
        fields = ["agent", "channel", "source", "escalated", "resolved_first_contact"]


class InteractionImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        validators=[
            max_size_validator("ATTUNE_INTERACTION_UPLOAD_MAX_BYTES", "the interaction import")
        ]
    )
    source = serializers.SlugField(max_length=50)
    mapping = serializers.ChoiceField(choices=["attune", "zendesk"], default="attune")
    dry_run = serializers.BooleanField(default=False)


class InteractionViewSet(ValuesListMixin, viewsets.ReadOnlyModelViewSet):
    """Helpdesk interactions you may see. Managers import them from CSV."""

    serializer_class = InteractionSerializer
    row_serializer_class = InteractionRowSerializer
    permission_classes = [IsNotHR]
    pagination_class = KeysetPagination
    filterset_class = InteractionFilter
    search_fields = ["external_id", "agent__email"]
    ordering_fields = ["occurred_at", "csat", "handle_seconds"]

    def get_queryset(self):
        return selectors.interaction_visible_to(user=self.request.user).select_related("agent")

    @extend_schema(
        request=InteractionImportSerializer,
        parameters=[ERRORS_PARAMETER],
        responses={
            (200, "application/json"): inline_serializer("InteractionImportReport", {
                "rows": serializers.IntegerField(), "created": serializers.IntegerField(),
                "updated": serializers.IntegerField(), "rejected": serializers.ListField(),
                "rejected_total": serializers.IntegerField(),
                "unknown_agents": serializers.ListField(),
            }),
            (200, "text/csv"): ERRORS_CSV,
            (202, "application/json"): OpenApiResponse(
                description="A file over ATTUNE_INTERACTION_IMPORT_IN_REQUEST_MAX_BYTES: the "
                "import job a worker runs (as POST /api/import-jobs/ answers it)."
            ),
        },
    )  # fmt: skip
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[IsTrainingManager],
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request):
        """Upsert interactions from a helpdesk CSV. Good rows are imported; every rejected
        row comes back with its line, column and reason. A large file is handed to a worker:
        the answer is then 202 with the import job to follow."""
        from insights.interaction_import import interaction_import

        serializer = InteractionImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["file"].size > settings.ATTUNE_INTERACTION_IMPORT_IN_REQUEST_MAX_BYTES:
            return _import_in_background(request, data)
        report = interaction_import(
            data=data["file"],  # read as a stream: memory does not grow with the file
            source=data["source"],
            mapping=data["mapping"],
            dry_run=data["dry_run"],
            agents=managed_agents(user=request.user),
        )
        # A file refused whole (not UTF-8, a missing column, broken before any good row) is
        # bad input; one that broke half-way reports the rows it did import.
        if request.query_params.get("errors") == "csv":
            return errors_csv_response(report.rejected, filename="interaction-errors.csv")
        refused = report.file_errors and not (report.created or report.updated)
        code = status.HTTP_400_BAD_REQUEST if refused else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)

    @extend_schema(request=IntensityCorrectionSerializer, responses=InteractionSerializer)
    @action(
        detail=True, methods=["patch"], url_path="intensity", permission_classes=[IsTrainingManager]
    )
    def intensity(self, request, pk=None):
        """Correct the intensity of one of your agents' interactions. The correction
        stands until an import gives the contact an intensity of its own."""
        serializer = IntensityCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interaction = interaction_intensity_correct(
            interaction=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(InteractionSerializer(interaction).data)


def _import_in_background(request, data) -> Response:
    """The import job for this upload, as POST /api/import-jobs/ answers it. The upload is
    on disk already (larger than FILE_UPLOAD_MAX_MEMORY_SIZE): it is copied, not read."""
    # Imported here: the imports app builds on this one (it runs interaction_import).
    from imports.api import ImportJobSerializer
    from imports.models import ImportJob
    from imports.services import import_job_create

    job = import_job_create(
        kind=ImportJob.Kind.INTERACTIONS,
        by=request.user,
        upload=data["file"],
        source=data["source"],
        mapping=data["mapping"],
        dry_run=data["dry_run"],
    )
    body = ImportJobSerializer(job, context={"request": request}).data
    location = {"Location": f"/api/import-jobs/{job.pk}/"}
    return Response(body, status=status.HTTP_202_ACCEPTED, headers=location)


# --- Baseline ------------------------------------------------------------------------------


class BaselineSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    cohort = ScopedRelatedField(
        scope=managed_cohorts, queryset=Cohort.objects.all(), required=False, allow_null=True
    )
    team = ScopedRelatedField(
        scope=managed_teams, queryset=Team.objects.all(), required=False, allow_null=True
    )
    rubric = serializers.PrimaryKeyRelatedField(queryset=Rubric.objects.all())
    reviewers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=limits.BIGINT_MAX)

    class Meta:
        model = BaselineAssessment
        fields = [
            "id", "name", "kind", "compared_to", "note", "cohort", "team", "window_start",
            "window_end", "sample_size", "seed", "rubric", "reviewers", "created_by",
            "created_at",
        ]  # fmt: skip
        # Managers draw baselines; end-of-program and follow-up ones are the sweep's.
        read_only_fields = ["kind", "compared_to", "note", "created_by", "created_at"]
        # DRF would turn "one end-of-program and follow-up per cohort" into a validator
        # that requires a cohort; managers draw baselines only, which it does not concern.
        validators = []


class BaselineItemSerializer(serializers.ModelSerializer):
    interaction = InteractionSerializer(read_only=True)

    class Meta:
        model = BaselineItem
        fields = ["id", "assessment", "interaction", "reviewer", "score"]
        read_only_fields = fields


class ValuesSerializer(serializers.Serializer):
    values = serializers.JSONField()


class BaselineViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Baseline assessments: a manager draws the sample; reviewers score their share."""

    serializer_class = BaselineSerializer
    permission_classes = [IsManagerOrReadOnly]

    def get_queryset(self):
        return selectors.baseline_visible_to(user=self.request.user).prefetch_related("reviewers")

    def perform_create(self, serializer):
        # The cohort or team is one the manager manages (the serializer's scoped fields).
        data = dict(serializer.validated_data)
        serializer.instance = services.baseline_create(created_by=self.request.user, **data)

    @extend_schema(responses=BaselineItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The sample: reviewers see their own share, managers all of it."""
        assessment = self.get_object()
        items = assessment.items.select_related("interaction__agent")
        if not request.user.is_manager:
            items = items.filter(reviewer=request.user)
        return Response(BaselineItemSerializer(items, many=True).data)

    @extend_schema(request=ValuesSerializer, responses=BaselineItemSerializer)
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/score",
            permission_classes=[IsAuthenticated])  # fmt: skip
    def score(self, request, pk=None, item_id=None):
        """The assigned reviewer scores one sampled interaction with the rubric."""
        item = get_object_or_404(self.get_object().items, pk=item_id)
        serializer = ValuesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.baseline_score(
            item=item, reviewer=request.user, values=serializer.validated_data["values"]
        )
        return Response(BaselineItemSerializer(item).data)

    @extend_schema(responses=inline_serializer("BaselineReport", {
        "sample": serializers.DictField(), "rubric": serializers.DictField(),
        "window": serializers.DictField(),
    }))  # fmt: skip
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        return Response(selectors.baseline_report(assessment=self.get_object()))

    @extend_schema(responses=inline_serializer("AssessmentComparison", {
        "cohort": serializers.IntegerField(allow_null=True),
        "assessments": serializers.ListField(child=serializers.DictField()),
        "rows": serializers.ListField(child=serializers.DictField()),
    }))  # fmt: skip
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        """Baseline, end of program and follow-up of the cohort side by side, each figure
        with its n and its change from the baseline."""
        return Response(selectors.assessment_comparison(assessment=self.get_object()))


# --- Calibration ---------------------------------------------------------------------------


class CalibrationSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    rubric = serializers.PrimaryKeyRelatedField(queryset=Rubric.objects.all())
    reviewers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    interactions = ScopedRelatedField(
        scope=selectors.interaction_visible_to, queryset=Interaction.objects.all(), many=True
    )

    class Meta:
        model = CalibrationSession
        fields = [
            "id", "name", "rubric", "interactions", "reviewers", "drift_bound", "created_by",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_by", "created_at"]


class CalibrationScoreSerializer(serializers.Serializer):
    interaction = limits.IdField()
    values = serializers.JSONField()


class CalibrationViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Calibration sessions. Reviewers score blind: nobody sees the others' scores, or the
    agreement, before they have scored every interaction themselves."""

    serializer_class = CalibrationSerializer
    permission_classes = [IsManagerOrReadOnly]

    def get_queryset(self):
        return selectors.calibration_visible_to(user=self.request.user).prefetch_related(
            "reviewers", "interactions"
        )

    def perform_create(self, serializer):
        # Interactions are among those the manager may see (the serializer's scoped field).
        data = dict(serializer.validated_data)
        serializer.instance = services.calibration_create(created_by=self.request.user, **data)

    def _unblinded(self, session) -> bool:
        """Managers running the session, and reviewers who submitted everything."""
        user = self.request.user
        is_reviewer = session.reviewers.filter(pk=user.pk).exists()
        if not is_reviewer:
            return user.is_manager
        done = services.calibration_progress(session=session)[user.pk]
        return done >= session.interactions.count()

    @extend_schema(request=CalibrationScoreSerializer, responses={201: RubricScoreSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def score(self, request, pk=None):
        """Submit your score of one interaction of the session (final once sent)."""
        session = self.get_object()
        serializer = CalibrationScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interaction = get_object_or_404(
            session.interactions, pk=serializer.validated_data["interaction"]
        )
        row = services.calibration_score(
            session=session,
            reviewer=request.user,
            interaction=interaction,
            values=serializer.validated_data["values"],
        )
        return Response(RubricScoreSerializer(row.score).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RubricScoreSerializer(many=True))
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        """Your own scores; everyone's once you have submitted all of yours."""
        session = self.get_object()
        rows = session.scores.select_related("score__rubric", "score__scorer")
        if not self._unblinded(session):
            rows = rows.filter(reviewer=request.user)
        return Response(RubricScoreSerializer([row.score for row in rows], many=True).data)

    @extend_schema(responses=inline_serializer("CalibrationResults", {
        "interactions_compared": serializers.IntegerField(),
        "reviewers": serializers.ListField(), "overall": serializers.DictField(),
        "criteria": serializers.DictField(),
    }))  # fmt: skip
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        session = self.get_object()
        if not self._unblinded(session):
            raise PermissionDenied(
                "Submit your scores for every interaction of the session to see the results."
            )
        return Response(selectors.calibration_results(session=session))


# --- HR and manager insights ---------------------------------------------------------------


class CanReadInsights(IsAuthenticated):
    message = "Insights are for HR and training managers."

    def has_permission(self, request, view):
        user = request.user
        return super().has_permission(request, view) and (user.is_hr or user.is_manager)


class InsightFilters(serializers.Serializer):
    program = limits.IdField(required=False)
    cohort = limits.IdField(required=False)
    team = limits.IdField(required=False)
    start = limits.DateTimeField(required=False)
    end = limits.DateTimeField(required=False)
    export = serializers.ChoiceField(choices=["rows", "figures"], required=False)

    DEFAULTS: dict = {}  # what validation gives without parameters

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "The range must end after it starts."})
        return attrs


def insight_response(request, report: dict, name: str):
    """JSON figures and notes by default (`?include=rows` adds the raw rows); `?export=rows`
    gives the raw rows as CSV, `?export=figures` the figures as (figure, value) lines, each
    figure named in words (insights.exports)."""
    export = request.query_params.get("export")
    if export not in ("rows", "figures"):
        if request.query_params.get("include") != "rows":
            # The raw rows can be large; they come with `?include=rows` or as a CSV export.
            report = {key: value for key, value in report.items() if key != "rows"}
        return Response(report)
    lines = exports.row_rows(report) if export == "rows" else exports.figure_rows(report)
    return csv_streaming_response(lines, filename=f"{name}-{export}.csv")


def _valid(filters_class, request) -> dict:
    """The request's validated filters. Without query parameters they are the defaults,
    without building the serializer (its fields are copied per instance, which cost about
    as much as the retention report's arithmetic)."""
    if not request.query_params:
        return dict(filters_class.DEFAULTS)
    filters_ = filters_class(data=request.query_params)
    filters_.is_valid(raise_exception=True)
    return filters_.validated_data


def _scope(request):
    data = _valid(InsightFilters, request)
    return reports.scope_for(
        request.user,
        program=data.get("program"),
        cohort=data.get("cohort"),
        team=data.get("team"),
        start=data.get("start"),
        end=data.get("end"),
    )


# JSON by default; `?export=rows` or `?export=figures` answers CSV instead.
CSV = OpenApiResponse(OpenApiTypes.STR, description="With `?export=`: a CSV file.")
INSIGHT = inline_serializer("Insight", {
    "figures": serializers.DictField(),
    "rows": serializers.ListField(required=False, help_text="Only with `?include=rows`."),
    "notes": serializers.ListField(),
})  # fmt: skip
INSIGHT_SCHEMA = extend_schema(
    parameters=[InsightFilters],
    responses={(200, "application/json"): INSIGHT, (200, "text/csv"): CSV},
)
INSIGHT_SCHEMA_RESPONSE = {
    (200, "application/json"): inline_serializer(
        "ExperimentResult",
        {
            "figures": serializers.DictField(),
            "rows": serializers.ListField(required=False),
            "notes": serializers.ListField(),
        },
    ),
    (200, "text/csv"): CSV,
}


class RoiSerializer(serializers.Serializer):
    # Bounds far above any real business keep the product finite.
    customers = serializers.IntegerField(min_value=0, max_value=10**10)
    revenue_per_customer = serializers.FloatField(
        min_value=0, max_value=10**9, help_text="Annual revenue per customer."
    )
    churn_reduction_points = serializers.FloatField(
        min_value=0,
        max_value=100,
        help_text="In percentage points: 2 when churn falls from 10% to 8%.",
    )
    csat_lift_points = serializers.FloatField(
        required=False,
        min_value=-100,
        max_value=100,
        help_text="In percentage points of satisfied responses: 6 for 78% to 84%.",
    )


class InsightsViewSet(viewsets.ViewSet):
    """One endpoint per view, filterable by program, cohort, team and date range. HR reads
    aggregates only; managers read their own cohorts, with per-agent rows."""

    permission_classes = [CanReadInsights]

    @INSIGHT_SCHEMA
    @action(detail=False, methods=["get"])
    def funnel(self, request):
        return insight_response(request, reports.funnel_report(_scope(request)), "funnel")

    @INSIGHT_SCHEMA
    @action(detail=False, methods=["get"])
    def retention(self, request):
        params = request.query_params
        rows = params.get("include") == "rows" or params.get("export") == "rows"
        report = reports.retention(_scope(request), rows=rows)
        return insight_response(request, report, "retention")

    @INSIGHT_SCHEMA
    @action(detail=False, methods=["get"])
    def kpis(self, request):
        return insight_response(request, reports.kpi_trends(_scope(request)), "kpis")

    @INSIGHT_SCHEMA
    @action(detail=False, methods=["get"], url_path="leading-indicator")
    def leading_indicator(self, request):
        report = reports.leading_indicator(_scope(request))
        return insight_response(request, report, "leading-indicator")

    @extend_schema(parameters=[RoiSerializer], responses=INSIGHT)
    @action(detail=False, methods=["get"])
    def roi(self, request):
        """ROI estimate from your inputs, with the formula next to the figure."""
        inputs = RoiSerializer(data=request.query_params)
        inputs.is_valid(raise_exception=True)
        figure = figures.roi_estimate(**inputs.validated_data)
        return Response({"figures": figure, "rows": [], "notes": []})


class ExperimentSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    teams = ScopedRelatedField(
        scope=managed_teams, queryset=Team.objects.all(), many=True, required=False
    )
    seed = serializers.IntegerField(required=False, min_value=0, max_value=limits.BIGINT_MAX)
    cohort = ScopedRelatedField(
        scope=managed_cohorts, queryset=Cohort.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Experiment
        fields = [
            "id",
            "name",
            "cohort",
            "teams",
            "window_start",
            "window_end",
            "seed",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class ExperimentResultFilters(serializers.Serializer):
    start = limits.DateTimeField(required=False)
    days = serializers.IntegerField(required=False, min_value=1, max_value=365, default=30)
    export = serializers.ChoiceField(choices=["rows", "figures"], required=False)

    DEFAULTS: dict = {"days": 30}  # what validation gives without parameters


class ExperimentViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """A/B experiments: managers define them (agents are assigned at random within teams);
    HR and managers read the result."""

    serializer_class = ExperimentSerializer
    permission_classes = [CanReadInsights]

    def get_queryset(self):
        return experiment_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        if not self.request.user.is_manager:
            raise PermissionDenied("Only training managers define experiments.")
        data = dict(serializer.validated_data)
        serializer.instance = experiment_create(created_by=self.request.user, **data)

    @extend_schema(parameters=[ExperimentResultFilters], responses=INSIGHT_SCHEMA_RESPONSE)
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        """Per metric: difference, 95% CI, p-value, effect size, group sizes, verdict."""
        data = _valid(ExperimentResultFilters, request)
        start, days = data.get("start"), data["days"]
        user = request.user
        if user.is_manager and not user.is_hr:  # per-agent rows, from the experiment's
            experiment = self.get_object()
            report = reports.experiment_result(experiment, start=start, days=days, detail=True)
        else:
            # HR's figures: the experiment is looked up, among the reader's, by the query
            # that counts them (get_object would be a query of its own).
            try:
                pk = int(pk)
            except (TypeError, ValueError):  # not an id: as get_object_or_404 answers it
                raise Http404 from None
            report = reports.hr_experiment_result(
                self.get_queryset(), pk=pk, start=start, days=days
            )
            if report is None:
                raise Http404
        return insight_response(request, report, "experiment")
