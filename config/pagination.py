"""Pages for the API's lists (the default is DRF's PageNumberPagination, 50 a page).

Lists that grow with a customer's history (interactions, rubric scores) page by position
instead (`KeysetPagination`): no count, and each page is one query that starts where the
last one stopped, however long the list (docs/api.md).
"""

import base64
import binascii
import datetime
import decimal
import json
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from config.limits import BIGINT_MAX


class _Key(NamedTuple):
    """One column of a list's order. NULLs come last whichever the direction, on every
    database (PostgreSQL and SQLite disagree otherwise)."""

    field: models.Field
    descending: bool

    @property
    def name(self) -> str:
        return self.field.attname

    @property
    def signature(self) -> str:
        return f"-{self.name}" if self.descending else self.name

    def order(self, *, backwards: bool):
        descending = self.descending != backwards
        if not self.field.null:
            return f"-{self.name}" if descending else self.name
        # NULLs close the list going forwards, so reading backwards they come first.
        nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
        column = F(self.name)
        return column.desc(**nulls) if descending else column.asc(**nulls)

    def beyond(self, value, *, backwards: bool) -> Q:
        """Rows strictly past `value` in this column, in the direction read."""
        nulls_follow = self.field.null and not backwards
        if value is None:
            return Q(pk__in=[]) if nulls_follow else Q(**{f"{self.name}__isnull": False})
        lookup = "lt" if self.descending != backwards else "gt"
        past = Q(**{f"{self.name}__{lookup}": value})
        return past | Q(**{f"{self.name}__isnull": True}) if nulls_follow else past

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def dump(self, value):
        if isinstance(value, (datetime.date, decimal.Decimal)):
            return value.isoformat() if isinstance(value, datetime.date) else str(value)
        return value

    def load(self, value):
        if value is None:
            if not self.field.null:
                raise ValueError("a NULL in a column that holds none")
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError("not a position")
        if isinstance(value, int) and abs(value) > BIGINT_MAX:
            raise ValueError("out of range")
        return self.field.to_python(value)


class KeysetPagination(BasePagination):
    """For lists that grow with history: `?cursor=`, 50 a page, answered as
    `{"next", "previous", "results"}` with no count.

    A page is the rows past the last one shown, in the list's order (`?ordering=` or the
    model's) with the primary key breaking ties: one query, as fast deep in a list of a
    million rows as on its first page. Counting, even up to a bound, read thousands of
    rows (and the whole scope) to show fifty. A cursor names the order it was made for:
    with another order, or altered, it is a 400."""

    page_size = 50
    cursor_query_param = "cursor"
    invalid_cursor = "This is not a cursor of this list: follow `next` or `previous`."

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        keys = self._keys(queryset)
        position, backwards = self._decode(request.query_params.get(self.cursor_query_param), keys)
        if position is not None:
            queryset = queryset.filter(self._beyond(keys, position, backwards=backwards))
        queryset = queryset.order_by(*(key.order(backwards=backwards) for key in keys))
        rows = list(queryset[: self.page_size + 1])
        more, rows = len(rows) > self.page_size, rows[: self.page_size]
        if backwards:
            rows.reverse()
        # Forwards, a row left over means a next page, and a cursor a previous one;
        # backwards, the other way round.
        at_cursor = position is not None
        has_next, has_previous = (at_cursor, more) if backwards else (more, at_cursor)
        self.next = self._link(keys, rows[-1], backwards=False) if has_next and rows else None
        self.previous = self._link(keys, rows[0], backwards=True) if has_previous and rows else None
        return rows

    def get_paginated_response(self, data):
        return Response({"next": self.next, "previous": self.previous, "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the value in a `next` or `previous` link.",
                "schema": {"type": "string"},
            }
        ]

    @staticmethod
    def _keys(queryset) -> list[_Key]:
        meta = queryset.model._meta
        keys = []
        for name in queryset.query.order_by or meta.ordering:
            if not isinstance(name, str) or name.lstrip("-") == "?":
                raise ImproperlyConfigured("KeysetPagination orders by field names only.")
            field_name = name.lstrip("-")
            field = meta.pk if field_name == "pk" else meta.get_field(field_name)
            keys.append(_Key(field, name.startswith("-")))
            if field.primary_key:
                return keys  # unique: nothing after it changes the order
        return [*keys, _Key(meta.pk, False)]

    @staticmethod
    def _beyond(keys: list[_Key], position: list, *, backwards: bool) -> Q:
        """Rows after `position` in the order of `keys` (before it, read backwards)."""
        *ties, (last, value) = zip(keys, position, strict=True)
        condition = last.beyond(value, backwards=backwards)
        for key, value in reversed(ties):
            condition = key.beyond(value, backwards=backwards) | (key.equal(value) & condition)
        first = keys[0]
        if not first.field.null:
            # Implied by the condition; said outright, it lets the database start reading
            # its index at the position instead of filtering every row before it.
            reach = "lte" if first.descending != backwards else "gte"
            condition &= Q(**{f"{first.name}__{reach}": position[0]})
        return condition

    def _link(self, keys: list[_Key], row, *, backwards: bool) -> str:
        def value(key):
            return row[key.name] if isinstance(row, dict) else getattr(row, key.name)

        cursor = {
            "o": [key.signature for key in keys],
            "p": [key.dump(value(key)) for key in keys],
            "b": backwards,
        }
        encoded = base64.urlsafe_b64encode(json.dumps(cursor, separators=(",", ":")).encode())
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encoded.decode())

    def _decode(self, cursor: str | None, keys: list[_Key]) -> tuple[list | None, bool]:
        if not cursor:
            return None, False
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            if data["o"] != [key.signature for key in keys] or not isinstance(data["b"], bool):
                raise ValueError("made for another order")
            if len(data["p"]) != len(keys):
                raise ValueError("not a position")
            position = [key.load(value) for key, value in zip(keys, data["p"], strict=True)]
        except (
            binascii.Error, UnicodeError, ValueError, TypeError, KeyError, DjangoValidationError,
        ) as error:  # fmt: skip
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]}) from error
        return position, data["b"]


class ProgressPagination(PageNumberPagination):
    """A cohort's progress: one page holds a whole cohort of usual size."""

    page_size = 500
