"""Wellbeing pages: my journal (private to me) and the support resources (everyone reads;
training managers keep the list)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from wellbeing import selectors, services
from wellbeing.models import JOURNAL_TEXT_MAX, JournalEntry, SupportResource

ENTRIES_PER_PAGE = 20


class JournalForm(forms.Form):
    context = forms.ChoiceField(
        label="What is it about?", choices=JournalEntry.Context.choices, initial="hard_contact"
    )
    text = forms.CharField(
        label="Your reflection",
        max_length=JOURNAL_TEXT_MAX,
        widget=forms.Textarea({"rows": 5}),
        help_text="What happened, how it felt, what you would keep or change. Only you can "
        "read this.",
    )


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def journal(request):
    """My entries, newest first, and a form to write one."""
    form = JournalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_write(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Saved. Only you can read it.")
            return redirect("web:journal")
    page = Paginator(selectors.journal_of(user=request.user), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"nav": "journal", "form": form, "page": page, "resources": _resources_shown()}
    return render(request, "wellbeing/journal.html", context, status=400 if form.errors else 200)


def _mine(request, pk: int) -> JournalEntry:
    # Anyone else's entry is "not found", whoever asks.
    return get_object_or_404(selectors.journal_of(user=request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def journal_edit(request, pk: int):
    entry = _mine(request, pk)
    initial = {"context": entry.context, "text": entry.text}
    form = JournalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_update(entry=entry, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Your entry is updated.")
            return redirect("web:journal")
    context = {"nav": "journal", "form": form, "entry": entry}
    return render(
        request, "wellbeing/journal_edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_delete(request, pk: int):
    entry = _mine(request, pk)
    if request.method == "POST":
        services.journal_delete(entry=entry, author=request.user)
        messages.success(request, "The entry is deleted; it cannot be brought back.")
        return redirect("web:journal")
    return render(request, "wellbeing/journal_delete.html", {"nav": "journal", "entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def journal_delete_all(request):
    count = selectors.journal_of(user=request.user).count()
    if request.method == "POST":
        deleted = services.journal_delete_all(author=request.user)
        messages.success(request, f"{deleted} entr{'y' if deleted == 1 else 'ies'} deleted.")
        return redirect("web:journal")
    return render(request, "wellbeing/journal_delete_all.html", {"nav": "journal", "count": count})


@login_required
def journal_export(request):
    """My entries as a JSON file, to keep."""
    body = json.dumps(services.journal_export(author=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="attune-journal-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


def _resources_shown():
    return list(selectors.support_resources())


# --- Support resources ---------------------------------------------------------------------


@login_required
def support(request):
    """Where to get help, for everyone signed in."""
    context = {"nav": "support", "resources": _resources_shown()}
    return render(request, "wellbeing/support.html", context)


class SupportResourceForm(forms.ModelForm):
    url = forms.URLField(label="Link", required=False, assume_scheme="https")

    class Meta:
        model = SupportResource
        fields = [
            "name", "kind", "description", "phone", "email", "url", "hours", "position",
            "is_active",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea({"rows": 3})}


def _require_manager(user) -> None:
    if not user.is_manager:
        raise PermissionDenied("Training managers keep the support resources.")


@login_required
def support_manage(request):
    _require_manager(request.user)
    resources = selectors.support_resources(include_inactive=True)
    return render(
        request, "wellbeing/support_manage.html", {"nav": "support", "resources": resources}
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_edit(request, pk: int | None = None):
    _require_manager(request.user)
    resource = get_object_or_404(SupportResource, pk=pk) if pk else SupportResource()
    form = SupportResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        services.support_resource_save(resource=form.instance, by=request.user)
        messages.success(request, f"“{form.instance.name}” is saved.")
        return redirect("web:support-manage")
    context = {"nav": "support", "form": form, "resource": resource}
    return render(
        request, "wellbeing/support_edit.html", context, status=400 if form.errors else 200
    )
