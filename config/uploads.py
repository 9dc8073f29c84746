"""Uploaded files: how large each import takes, and error reports that stay readable.

A report lists at most REPORTED_ERRORS errors (with the total), however bad the file; the
whole list is a CSV download (`?errors=csv` on the import endpoints).
"""

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from config.csv_cells import spreadsheet_safe

REPORTED_ERRORS = 1000


def max_size_validator(setting: str, what: str):
    """A file-field validator refusing uploads larger than settings.<setting> bytes."""

    def validate(upload) -> None:
        limit = getattr(settings, setting)
        if upload.size > limit:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; {what} takes files of up to "
                f"{filesizeformat(limit)}. Split it into smaller files and import each."
            )

    return validate


def capped(errors: list) -> list:
    """The errors a report shows: the first REPORTED_ERRORS."""
    return errors[:REPORTED_ERRORS]


def errors_csv_response(errors, *, filename: str) -> StreamingHttpResponse:
    """Every error of an import as CSV (line, column, reason), for a spreadsheet."""
    return csv_streaming_response(_error_rows(errors), filename=filename)


def errors_csv_content(errors) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_error_rows(errors))
    return buffer.getvalue()


def _error_rows(errors):
    yield ["line", "column", "reason"]
    for error in errors:
        yield [error.line, spreadsheet_safe(error.column), spreadsheet_safe(error.reason)]


class _Line:
    """A file-like object whose write() returns the text: csv.writer then makes one line
    at a time, never the whole file."""

    def write(self, text: str) -> str:
        return text


def csv_streaming_response(rows: Iterable, *, filename: str) -> StreamingHttpResponse:
    """`rows` (lists of cells, the header first, cells already spreadsheet-safe) as a CSV
    attachment written while it is sent, so memory does not grow with the file."""
    writer = csv.writer(_Line())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# For the schema of each import endpoint: the parameter and the CSV it then answers.
ERRORS_PARAMETER = OpenApiParameter(
    "errors",
    str,
    enum=["csv"],
    required=False,
    description="`csv`: answer every error of the file as CSV (line, column, reason).",
)
ERRORS_CSV = OpenApiResponse(OpenApiTypes.STR, description="With `?errors=csv`: every error.")
