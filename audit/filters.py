"""One filter for the audit trail, shared by the API and the page."""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType
from django_filters import rest_framework as filters

from config import limits


def object_type_label(content_type: ContentType) -> str:
    """How the API and the page name an object's type: `app_label.model`."""
    return f"{content_type.app_label}.{content_type.model}"


def object_type_choices() -> list[tuple[str, str]]:
    models = sorted(auditlog.get_models(), key=lambda m: (m._meta.app_label, m._meta.model_name))
    return [
        (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name).capitalize())
        for m in models
    ]


DATE = forms.DateInput(attrs={"type": "date"})


class AuditEntryFilter(filters.FilterSet):
    object_type = filters.ChoiceFilter(
        label="Object type", choices=object_type_choices, method="filter_object_type"
    )
    object_id = filters.NumberFilter(label="Object id", min_value=1, max_value=limits.BIGINT_MAX)
    actor = filters.NumberFilter(
        field_name="actor_id", label="Actor (user id)", min_value=1, max_value=limits.BIGINT_MAX
    )
    actor_email = filters.CharFilter(
        field_name="actor_email", lookup_expr="iexact", label="Actor's e-mail"
    )
    action = filters.ChoiceFilter(choices=LogEntry.Action.choices)
    since = filters.DateFilter(
        field_name="timestamp", lookup_expr="date__gte", label="From", widget=DATE,
        validators=[limits.validate_year_in_range],
    )  # fmt: skip
    until = filters.DateFilter(
        field_name="timestamp", lookup_expr="date__lte", label="To", widget=DATE,
        validators=[limits.validate_year_in_range],
    )  # fmt: skip

    class Meta:
        model = LogEntry
        fields = ["object_type", "object_id", "actor", "actor_email", "action", "since", "until"]

    def filter_object_type(self, queryset, name, value: str):
        app_label, model = value.split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
