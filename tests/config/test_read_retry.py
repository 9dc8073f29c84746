"""A read whose database connection was lost is answered again on a new connection; a
write is not (config/middleware.py)."""

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

calls = []
pids = []


@api_view(["GET", "POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def fails_once(request, reason):
    """Fails its first call with the error Django raises for `reason`, then answers."""
    calls.append(request.method)
    if len(calls) == 1:
        cause = REASONS[reason]
        raise OperationalError(str(cause)) from cause
    return Response({"answered": len(calls)})


REASONS = {
    "terminated": psycopg.errors.AdminShutdown(
        "terminating connection due to administrator command"
    ),
    "server-gone": psycopg.OperationalError("server closed the connection unexpectedly"),
    "statement-timeout": psycopg.errors.QueryCanceled(
        "canceling statement due to statement timeout"
    ),
}


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def terminated_mid_read(request):
    from tests.database_sessions import backend_terminate

    calls.append(request.method)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
        pids.append(pid)
        if len(calls) == 1:
            backend_terminate(pid)  # the administrator's pg_terminate_backend, mid-request
        cursor.execute("SELECT count(*) FROM accounts_user")
        (users,) = cursor.fetchone()
    return Response({"pid": pid, "users": users})


urlpatterns = [
    path("api/fails-once/<str:reason>/", fails_once),
    path("api/terminated-mid-read/", terminated_mid_read),
]
handler500 = "config.views.server_error"


@pytest.fixture
def client():
    calls.clear()
    pids.clear()
    return Client(raise_request_exception=False)


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reason", ["terminated", "server-gone"])
def test_a_read_whose_connection_was_lost_is_answered_again(client, reason):
    response = client.get(f"/api/fails-once/{reason}/")

    assert response.status_code == 200
    assert response.json() == {"answered": 2}
    assert calls == ["GET", "GET"]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_write_whose_connection_was_lost_is_not_run_again(client):
    response = client.post("/api/fails-once/terminated/")

    assert response.status_code == 500
    assert calls == ["POST"]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_read_that_failed_on_a_working_connection_is_not_run_again(client):
    response = client.get("/api/fails-once/statement-timeout/")

    assert response.status_code == 500
    assert calls == ["GET"]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_read_inside_a_transaction_is_not_run_again(client):
    # The test's own transaction: the work done in it went with the lost connection.
    response = client.get("/api/fails-once/terminated/")

    assert response.status_code == 500
    assert calls == ["GET"]


@pytest.mark.postgresql
@pytest.mark.services
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_read_whose_postgresql_session_is_terminated_mid_request_answers_200(client):
    response = client.get("/api/terminated-mid-read/")

    assert response.status_code == 200
    assert calls == ["GET", "GET"]
    first, second = pids
    assert response.json() == {"pid": second, "users": 0}
    assert second != first  # answered on a new session
