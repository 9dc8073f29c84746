"""Imports in the background, for integrations: upload, follow the progress, get the errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.permissions import IsTrainingManager
from cohorts.models import Cohort
from cohorts.scope import managed_cohorts
from config.api import ScopedRelatedField
from config.uploads import max_size_validator
from imports import selectors, services
from imports.models import ImportJob

SIZE_LIMITS = {
    ImportJob.Kind.ENROLMENT: max_size_validator("ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES", "enrolment"),
    ImportJob.Kind.INTERACTIONS: max_size_validator(
        "ATTUNE_INTERACTION_UPLOAD_MAX_BYTES", "the interaction import"
    ),
}


class ImportJobSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    cohort = ScopedRelatedField(
        scope=managed_cohorts, queryset=Cohort.objects.all(), required=False, allow_null=True
    )
    source = serializers.SlugField(max_length=50, required=False, allow_blank=True)
    mapping = serializers.ChoiceField(choices=["attune", "zendesk"], required=False)
    errors_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "file", "cohort", "source", "mapping", "dry_run", "size", "status",
            "rows_done", "report", "failure", "errors_url", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip
        read_only_fields = [
            "size", "status", "rows_done", "report", "failure", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip

    def get_errors_url(self, job) -> str | None:
        return f"/api/import-jobs/{job.pk}/errors/" if job.errors_file else None

    def validate(self, attrs):
        kind = attrs["kind"]
        try:
            SIZE_LIMITS[kind](attrs["file"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from error
        if kind == ImportJob.Kind.ENROLMENT and not attrs.get("cohort"):
            raise serializers.ValidationError({"cohort": ["An enrolment names its cohort."]})
        if kind == ImportJob.Kind.INTERACTIONS and not attrs.get("source"):
            raise serializers.ValidationError({"source": ["Name the helpdesk, e.g. zendesk."]})
        return attrs


class ImportJobViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Large files are imported by a worker: POST answers 202 at once with the job, whose
    `status` and `rows_done` show the progress; the report and the errors follow."""

    serializer_class = ImportJobSerializer
    permission_classes = [IsTrainingManager]
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["kind", "status", "cohort"]

    def get_queryset(self):
        return selectors.import_job_visible_to(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        job = services.import_job_create(by=request.user, upload=data.pop("file"), **data)
        body = self.get_serializer(job).data
        location = {"Location": f"/api/import-jobs/{job.pk}/"}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=location)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        """Every error of the file as CSV (line, column, reason)."""
        job = self.get_object()
        if not job.errors_file:
            raise NotFound("This import has no errors to download.")
        # FileResponse sends the stored file in blocks and closes it when done.
        return FileResponse(
            job.errors_file.open("rb"),
            as_attachment=True,
            filename=f"import-{job.pk}-errors.csv",
            content_type="text/csv",
        )
