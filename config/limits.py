"""How far the API lets numbers and dates go, so input outside them is a 400, never a 500.

Dates outside EARLIEST_YEAR..LATEST_YEAR are refused: nothing Attune schedules or
measures lies there, and arithmetic near year 1 or 9999 overflows Python's dates. Integers
written to a column are refused past the column's range on every database (SQLite stores
64 bits where PostgreSQL's integer holds 32).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import serializers

EARLIEST_YEAR = 1970
LATEST_YEAR = 2200
# The widest a window between two dates may be (an experiment's, a report's).
LONGEST_SPAN = datetime.timedelta(days=10 * 366)
BIGINT_MAX = BaseDatabaseOperations.integer_field_ranges["BigIntegerField"][1]


def validate_year_in_range(value: datetime.date) -> None:
    """Refuse a date or datetime outside EARLIEST_YEAR..LATEST_YEAR."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            f"Give a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}.",
            code="year_out_of_range",
        )


class DateField(serializers.DateField):
    """A date between EARLIEST_YEAR and LATEST_YEAR."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_year_in_range)


class DateTimeField(serializers.DateTimeField):
    """A date and time between EARLIEST_YEAR and LATEST_YEAR."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_year_in_range)


class IdField(serializers.IntegerField):
    """The id of a row, as a body or query parameter names it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


def column_range(model_field: models.Field) -> tuple[int | None, int | None]:
    """The values an integer column holds on every supported database."""
    ranges = BaseDatabaseOperations.integer_field_ranges
    return ranges.get(model_field.get_internal_type(), (None, None))


class ColumnRangeMixin:
    """For ModelSerializers: integer fields refuse what their column cannot hold."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.IntegerField) and not model_field.choices:
            low, high = column_range(model_field)
            if low is not None:
                field_kwargs["min_value"] = max(field_kwargs.get("min_value", low), low)
            if high is not None:
                field_kwargs["max_value"] = min(field_kwargs.get("max_value", high), high)
        return field_class, field_kwargs
