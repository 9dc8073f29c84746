from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Liveness probe for load balancers and compose: answers once the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    """Send each person to the page their role starts on."""
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import redirect

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_manager:
        return redirect("web:cohorts")
    if user.is_hr:
        return redirect("web:insights")
    if user.role == user.Role.AGENT:
        return redirect("web:plan")
    return redirect("api-docs")
