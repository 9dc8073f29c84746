"""The manager's helpdesk pages: the sources with their last sync, lag and errors; adding
and editing one; "Sync now"; a webhook secret shown once; micro-scripts pushed as macros."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import macro_push, selectors, services
from helpdesk.models import HelpdeskSource

EDITABLE = ["name", "enabled", "subdomain", "agent_email", "token_env", "handle_time_field"]


def _require_manager(user):
    if not user.is_manager:
        raise PermissionDenied("Helpdesk sources are for training managers.")


def _own_source(request, pk) -> HelpdeskSource:
    """The source `pk` if the signed-in manager may see it: 403 for anyone not a training
    manager, 404 for another manager's source."""
    _require_manager(request.user)
    return get_object_or_404(selectors.source_visible_to(user=request.user), pk=pk)


class SourceForm(forms.ModelForm):
    class Meta:
        model = HelpdeskSource
        fields = ["name", "slug", "kind", *EDITABLE[1:], "start_time"]
        labels = {
            "slug": "Interaction source name",
            "kind": "Kind",
            "subdomain": "Zendesk subdomain",
            "agent_email": "Zendesk agent e-mail",
            "token_env": "Environment variable with the API token",
            "handle_time_field": "Handle time field id (optional)",
            "start_time": "Import tickets changed since (optional, UTC)",
        }
        widgets = {"start_time": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.instance.owner = owner
        if self.instance.pk:  # set when the source is made
            for name in ("slug", "kind", "start_time"):
                del self.fields[name]


@login_required
@require_http_methods(["GET", "POST"])
def sources(request):
    """My helpdesk sources and a form to add one."""
    _require_manager(request.user)
    form = SourceForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        source, secret = services.source_create(owner=request.user, **data)
        messages.success(request, f"“{source}” added.")
        if secret:
            return render(request, "helpdesk/secret.html", {"nav": "helpdesk", "source": source,
                                                            "secret": secret})  # fmt: skip
        return redirect("web:helpdesk-source", pk=source.pk)
    visible = selectors.source_visible_to(user=request.user)
    context = {"nav": "helpdesk", "sources": visible, "form": form}
    return render(request, "helpdesk/sources.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def source_detail(request, pk):
    """One source: its state, the last run's report, "Sync now", and its settings."""
    source = _own_source(request, pk)
    form = SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        services.source_update(source=source, **data)
        messages.success(request, "Saved.")
        return redirect("web:helpdesk-source", pk=source.pk)
    context = {
        "nav": "helpdesk",
        "source": source,
        "form": form,
        "push_form": macro_push.push_filter_form(user=request.user, auto_id="push_%s"),
        "webhook_url": request.build_absolute_uri(f"/api/helpdesk/webhook/{source.slug}/"),
    }
    return render(request, "helpdesk/source.html", context)


@login_required
@require_POST
def source_macros_push(request, pk):
    """Push the chosen micro-scripts to this Zendesk source as macros, in the background."""
    source = _own_source(request, pk)
    form = macro_push.push_filter_form(user=request.user, data=request.POST, auto_id="push_%s")
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
        return redirect("web:helpdesk-source", pk=source.pk)
    try:
        count = macro_push.macros_push_request(
            source=source, user=request.user, filters=form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"Pushing {count} micro-scripts as macros in the background.")
    return redirect("web:helpdesk-source", pk=source.pk)


@login_required
@require_POST
def source_sync_now(request, pk):
    source = _own_source(request, pk)
    try:
        services.source_sync_request(source=source)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, "Sync requested: it runs in the background.")
    return redirect("web:helpdesk-source", pk=source.pk)


@login_required
@require_POST
def source_secret_rotate(request, pk):
    source = _own_source(request, pk)
    try:
        secret = services.webhook_secret_rotate(source=source)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("web:helpdesk-source", pk=source.pk)
    context = {"nav": "helpdesk", "source": source, "secret": secret}
    return render(request, "helpdesk/secret.html", context)
