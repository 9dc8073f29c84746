"""Pages of programs: micro-scripts out to a helpdesk (docs/macros.md)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from programs import macros

DOWNLOADS = [
    ("zendesk", "Zendesk macros (JSON)"),
    ("freshdesk", "Freshdesk canned responses (CSV)"),
    ("json", "Plain JSON"),
    ("csv", "Plain CSV"),
]


def _require_exporter(user):
    if not macros.may_export(user):
        raise PermissionDenied("Only training managers and coaches export micro-scripts.")


def _filters(request):
    return macros.MacroFilterForm(request.GET or None, user=request.user)


@login_required
def macro_export(request):
    """The filters, the scripts they match, and a download button per shape."""
    _require_exporter(request.user)
    form = _filters(request)
    valid = form.is_bound and form.is_valid()
    filters = form.cleaned_data if valid else {}
    scripts = []
    downloads = []
    if valid or not form.is_bound:
        scripts = list(macros.micro_scripts_for_export(user=request.user, filters=filters))
        query = {key: value for key, value in request.GET.items() if key != "shape" and value}
        downloads = [
            (label, "?" + urlencode({**query, "shape": shape})) for shape, label in DOWNLOADS
        ]
    return render(
        request,
        "programs/macros.html",
        {"nav": "macros", "form": form, "scripts": scripts, "downloads": downloads},
        status=400 if form.is_bound and not valid else 200,
    )


@login_required
def macro_download(request):
    """The matching scripts as a file, in the shape asked for (the same as the API's)."""
    _require_exporter(request.user)
    form = _filters(request)
    if not (form.is_bound and form.is_valid()):
        return render(
            request,
            "programs/macros.html",
            {"nav": "macros", "form": form, "scripts": [], "downloads": []},
            status=400,
        )
    scripts = macros.micro_scripts_for_export(user=request.user, filters=form.cleaned_data)
    return macros.export_response(scripts, shape=form.cleaned_data["shape"])
