"""The API's filter backend: django-filter's, without its cost on requests that filter nothing."""

from django_filters import rest_framework


class DjangoFilterBackend(rest_framework.DjangoFilterBackend):
    """django-filter's backend, leaving the list as it is when no query parameter is one of
    its filters' (or begins with one's name: a range filter's `_after`, a lookup's `__gte`).

    django-filter builds a FilterSet, its form class and form, and validates them on every
    request (for `filterset_fields`, a new FilterSet class too): about a millisecond on
    each read of a list's first page, a fifth of a 50-row page's time, even when nothing is
    filtered. With none of their parameters, every filter skips its empty value, so the
    answer is the same."""

    def filter_queryset(self, request, queryset, view):
        names = _filter_names(view)
        if not any(parameter.startswith(names) for parameter in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _filter_names(view) -> tuple[str, ...]:
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        return tuple(filterset_class.base_filters)
    return tuple(getattr(view, "filterset_fields", None) or ())
