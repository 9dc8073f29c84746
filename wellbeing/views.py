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

from cohorts.scope import managed_agents
from wellbeing import debriefs, pulse, selectors, services
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


# --- Debriefs ------------------------------------------------------------------------------


class DebriefForm(forms.Form):
    teammate = forms.ModelChoiceField(
        label="Whom to ask",
        queryset=None,
        empty_label=None,
        help_text="Your coaching "
        "partner is suggested first. They get a note in Attune and an e-mail.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partners = list(debriefs.coaching_partners(user=user).values_list("pk", flat=True))
        field = self.fields["teammate"]
        field.queryset = debriefs.teammates(user=user)
        field.label_from_instance = lambda person: (
            f"{person.get_full_name() or person.email}"
            + (" (your coaching partner)" if person.pk in partners else "")
        )
        if partners:
            field.initial = partners[0]


def _require_agent(user) -> None:
    if user.role != user.Role.AGENT:
        raise PermissionDenied("This page is for agents.")


@login_required
@require_http_methods(["GET", "POST"])
def debrief_list(request):
    """Ask a teammate for a debrief; the requests I made and received, and their answers."""
    is_agent = request.user.role == request.user.Role.AGENT
    form = DebriefForm(request.POST or None, user=request.user) if is_agent else None
    if request.method == "POST":
        _require_agent(request.user)
        if form.is_valid():
            try:
                debrief = debriefs.debrief_request(
                    requester=request.user, teammate=form.cleaned_data["teammate"]
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                name = debrief.teammate.get_short_name()
                messages.success(request, f"{name} is asked. You will see the answer here.")
                return redirect("web:debriefs")
    mine = debriefs.debriefs_of(user=request.user)
    context = {
        "nav": "debriefs",
        "form": form,
        "asked": [d for d in mine if d.requester_id == request.user.pk][:20],
        "received": [d for d in mine if d.teammate_id == request.user.pk][:20],
        "resources": _resources_shown(),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "wellbeing/debriefs.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def debrief_move(request, pk: int, action: str):
    debrief = get_object_or_404(debriefs.debriefs_of(user=request.user), pk=pk)
    try:
        debriefs.debrief_move(debrief=debrief, by=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {
            "accept": "Accepted: find each other for five minutes.",
            "decline": "Answered “not now”.",
            "held": "Noted that it happened. Nothing of what was said is kept.",
            "cancel": "The request is withdrawn.",
        }[action])  # fmt: skip
    return redirect("web:debriefs")


# --- Pulse ---------------------------------------------------------------------------------


class PulseForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in pulse.ITEMS:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.text,
                choices=[(str(points), label) for points, label in item.scale],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def burnout_fields(self):
        return [self[item.key] for item in pulse.ITEMS if item.burnout]

    def own_fields(self):
        return [self[item.key] for item in pulse.ITEMS if not item.burnout]


@login_required
@require_http_methods(["GET", "POST"])
def pulse_page(request):
    """This month's optional pulse and my own trend."""
    _require_agent(request.user)
    current = pulse.my_answer_this_month(respondent=request.user)
    initial = {key: str(value) for key, value in (current.answers if current else {}).items()}
    form = PulseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pulse.pulse_submit(respondent=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Thank you. Only you see your answers.")
            return redirect("web:pulse")
    context = {
        "nav": "pulse",
        "form": form,
        "current": current,
        "trend": pulse.my_trend(respondent=request.user),
        "resources": _resources_shown(),
    }
    return render(request, "wellbeing/pulse.html", context, status=400 if form.errors else 200)


@login_required
def indicators(request):
    """Burnout indicators by team and month, for HR and training managers: aggregates of
    five or more respondents only."""
    if not (request.user.is_hr or request.user.is_manager):
        raise PermissionDenied("Burnout indicators are for HR and training managers.")
    # HR reads the organisation; a training manager the agents in their scope.
    agents = None if request.user.is_hr else managed_agents(user=request.user)
    rows = pulse.burnout_by_team_and_month(agents=agents)
    context = {"nav": "wellbeing", "rows": rows, "min_group": pulse.MIN_GROUP}
    return render(request, "wellbeing/indicators.html", context)
