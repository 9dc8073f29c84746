"""Pages for the API's lists (the default is DRF's PageNumberPagination, 50 a page).

Lists that grow with a customer's history (interactions, rubric scores) count at most
`COUNT_LIMIT` rows and say whether the count is exact (`count_exact`): beyond the bound
`count` is the bound, and `next` is decided by reading one row past the page, so no
request counts a million rows (docs/api.md).
"""

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_LIMIT = 10_000


class _OpenEndedPage(Page):
    """A page of a list whose length was not counted: it knows whether another follows."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class BoundedCountPaginator(Paginator):
    """Counts up to `limit` rows (a `COUNT(*)` over a `LIMIT`), pages on past them."""

    limit = COUNT_LIMIT

    @cached_property
    def _bounded_count(self) -> int:
        # Neither the order nor the joined rows change how many there are; kept, they make
        # the database sort the whole scope before it can stop at the bound.
        rows = self.object_list.order_by().values("pk")
        return rows[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.limit)

    @cached_property
    def count_exact(self) -> bool:
        return self._bounded_count <= self.limit

    def validate_number(self, number):
        if self.count_exact:
            return super().validate_number(number)
        number = super().validate_number(1) if number in (None, "") else int(number)
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        if self.count_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage("That page contains no results")
        return _OpenEndedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class BoundedCountPagination(PageNumberPagination):
    """For lists that grow with history: `?page=N`, 50 a page, counted up to COUNT_LIMIT."""

    django_paginator_class = BoundedCountPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {"type": "boolean", "example": True}
        response["required"] = [*response.get("required", []), "count_exact"]
        return response


class ProgressPagination(PageNumberPagination):
    """A cohort's progress: one page holds a whole cohort of usual size."""

    page_size = 500
