"""The audit trail page: training managers read the entries in their scope, superusers
all of them. Other roles get 403, like the API."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.filters import AuditEntryFilter
from audit.selectors import audit_entry_visible_to

PAGE_SIZE = 50


@login_required
def audit_trail(request):
    if not request.user.is_manager:
        raise PermissionDenied("The audit trail is for training managers.")
    entries = audit_entry_visible_to(user=request.user).order_by("-timestamp", "-pk")
    filtered = AuditEntryFilter(request.GET, queryset=entries)
    page = Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_trail.html",
        {"nav": "audit", "filter": filtered, "page": page, "query": query.urlencode()},
    )
