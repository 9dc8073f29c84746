from django.contrib.auth.views import redirect_to_login
from django.db import connection
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
