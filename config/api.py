"""Project-wide REST API plumbing."""

import copy
from collections import Counter

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from config.limits import ColumnRangeMixin


def as_drf_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """Translate a Django ValidationError into DRF's, keeping the field names."""
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Something still refers to this object."
    default_code = "conflict"


def as_conflict(error: ProtectedError | RestrictedError) -> Conflict:
    """Name what still refers to an object that a delete was refused for."""
    if isinstance(error, ProtectedError):
        referrers = error.protected_objects
    else:
        referrers = error.restricted_objects
    counts = Counter(type(obj)._meta for obj in referrers)
    named = ", ".join(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in sorted(counts.items(), key=lambda item: item[0].label)
    )
    return Conflict(f"It cannot be deleted while these refer to it: {named}.")


def exception_handler(exc, context):
    """Services raise Django's ValidationError; the API answers it with a 400 naming fields.

    A delete refused because other rows refer to the object is a 409 naming them. Every
    400 body is an object (a bare list of messages goes under `non_field_errors`).
    """
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = as_conflict(exc)
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.detail})
    return drf_exception_handler(exc, context)


class ModelCleanSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    """A ModelSerializer that also runs the model's `full_clean()`.

    The admin validates through `full_clean()`; running it here too means the API enforces
    exactly the same rules (field validators, `clean()`, constraints) with the same
    messages, and bad input is a 400 naming the field rather than an IntegrityError.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        many_to_many = {field.name for field in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return attrs


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object chosen among those the requester may reach.

    `scope(user=...)` returns them (a selector built on cohorts/scope.py); any other id reads
    as "does not exist", a 400 naming the field, so nobody learns what lies outside their
    scope. `queryset` stays the model's whole table only for the schema's sake.
    """

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:  # rendering, or the schema: nothing may be chosen
            return self.queryset.none()
        return self.scope(user=request.user)


# What these fields' `to_representation` comes to for a value read from the database
# (never None here: a row's None is written as null before any field sees it).
_PLAIN_WRITERS = {
    serializers.IntegerField: int,
    serializers.CharField: str,
    serializers.EmailField: str,
    serializers.BooleanField: bool,
}


class ValuesRowSerializer(serializers.Serializer):
    """Writes `.values(*COLUMNS)` rows: each declared field by the field's own
    `to_representation` (so every format is DRF's, as in the model serializer it mirrors),
    with its value read by key, and the fields built once per class.

    A plain Serializer copies its declared fields for every instance (once a request) and
    looks each value up through the field's source attributes; for a 50-row page of 20
    fields that was most of the time spent writing it. A `SerializerMethodField` is called
    on the serializer at hand, as usual."""

    COLUMNS: tuple[str, ...] = ()

    @classmethod
    def _writers(cls) -> list[tuple]:
        if "_row_writers" not in cls.__dict__:
            writers = []
            for name, field in cls().fields.items():
                if field.write_only:
                    continue
                if isinstance(field, serializers.SerializerMethodField):
                    writers.append((name, None, field.method_name))
                elif "." in field.source or field.source == "*":
                    raise TypeError(f"{cls.__name__}.{name}: a row's value is read by key")
                else:
                    plain = _PLAIN_WRITERS.get(type(field))
                    writers.append((name, field.source, plain or field.to_representation))
            cls._row_writers = writers
        return cls._row_writers

    def to_representation(self, row):
        written = {}
        for name, source, write in self._writers():
            if source is None:
                written[name] = getattr(self, write)(row)
            else:
                value = row[source]
                written[name] = None if value is None else write(value)
        return written


class ValuesListMixin:
    """For ViewSets whose list grows with history: the page is read as `.values()` rows of
    `row_serializer_class.COLUMNS` and written by that serializer, with no model instance
    per row (half a 50-row page's time went to building them). Filters, search, ordering
    and pagination apply as to any list; retrieve and the schema keep `serializer_class`,
    whose JSON the row serializer must match (each list's tests compare a row with its
    detail)."""

    row_serializer_class: type[ValuesRowSerializer]

    def list(self, request, *args, **kwargs):
        columns = self.row_serializer_class.COLUMNS
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).values(*columns))
        return self.get_paginated_response(self.row_serializer_class(page, many=True).data)
