"""The project's URLs plus API views that fail on purpose, for the error-handling tests."""

import math

from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from config.urls import handler400, handler403, handler404, handler500, urlpatterns


@api_view(["GET"])
def boom(request):
    raise RuntimeError("a bug")


@api_view(["GET"])
def infinite(request):
    return Response({"figure": math.inf})


urlpatterns = [
    path("api/test-boom/", boom),
    path("api/test-infinite/", infinite),
    *urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
