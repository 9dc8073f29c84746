from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Liveness probe for load balancers and compose: answers once the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


READINESS_TIMEOUT = 2  # seconds for each dependency: a probe must answer quickly


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _broker_ready() -> bool | None:
    """Whether Redis answers a PING within the timeout; None in embedded mode (no broker:
    tasks run in process)."""
    if not settings.REDIS_URL:
        return None
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=READINESS_TIMEOUT,
        socket_timeout=READINESS_TIMEOUT,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@require_GET
def ready(request):
    """Readiness probe: 200 when the database and the broker answer, otherwise 503 naming
    which is down. Liveness (/health/) checks only that the process and database answer,
    so a broker outage does not get web processes restarted."""
    database, broker = _database_ready(), _broker_ready()
    checks = {
        "database": "ok" if database else "down",
        "broker": "in process" if broker is None else ("ok" if broker else "down"),
    }
    up = database and broker is not False
    return JsonResponse(
        {"status": "ready" if up else "not ready", **checks}, status=200 if up else 503
    )


@require_GET
def favicon(request):
    """Browsers that ask for /favicon.ico without reading the page's icon link."""
    return redirect(static("attune/favicon.svg"), permanent=True)


def home(request):
    """Send each person to the page their role starts on."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_manager:
        return redirect("web:cohorts")
    if user.is_hr:
        return redirect("web:insights")
    if user.role == user.Role.AGENT:
        return redirect("web:plan")
    if user.role == user.Role.COACH:
        return redirect("web:coach-home")
    return redirect("api-docs")


# Errors Django answers itself (no URL matched, an unhandled exception): JSON under /api/,
# in the shape DRF gives every other error there, the usual pages elsewhere.


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)
