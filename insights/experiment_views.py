"""Training managers' pages for A/B experiments: the list, the create form, and one
experiment's assignment and result.

Only training managers, and only the experiments `experiment_visible_to` gives them (any
other answers 404). The cohort and team choices come from the manager's scope; the
service assigns the agents and its ValidationError is shown next to the field.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Team
from cohorts.models import Cohort, ExperimentAssignment
from cohorts.scope import managed_cohorts, managed_teams
from cohorts.selectors import experiment_visible_to
from cohorts.services.experiments import experiment_create, experiment_target_errors
from config import limits
from insights import reports
from insights.views import experiment_display
from programs.models import Program

DATE = forms.DateInput({"type": "date"}, "%Y-%m-%d")


def _require_manager(user) -> None:
    if not user.is_manager:
        raise PermissionDenied("Experiments are defined by training managers.")


def describe_fields(form: forms.Form) -> None:
    """Point each control at its help and, when it has errors, at them (as the ids of
    _field.html), for screen readers."""
    for name, field in form.fields.items():
        described_by = [f"{name}-help"] if field.help_text else []
        if form.is_bound and name in form.errors:
            described_by.insert(0, f"{name}-errors")
            field.widget.attrs["aria-invalid"] = "true"
        if described_by:
            field.widget.attrs["aria-describedby"] = " ".join(described_by)


class CohortSelect(forms.Select):
    """Each cohort option says its program, so the page's script can narrow the list."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if instance := getattr(value, "instance", None):
            option["attrs"]["data-program"] = instance.program_id
        return option


class ExperimentForm(forms.Form):
    """An experiment's population (a cohort, or some teams) and its window, as days in the
    manager's time zone: the window runs from the first day's midnight to the midnight
    after the last day."""

    name = forms.CharField(max_length=200)
    program = forms.ModelChoiceField(
        Program.objects.none(),
        required=False,
        empty_label="Any program",
        help_text="Narrows the cohorts listed.",
    )
    cohort = forms.ModelChoiceField(
        Cohort.objects.none(), required=False, empty_label="None", widget=CohortSelect
    )
    teams = forms.ModelMultipleChoiceField(
        Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    window_start = forms.DateField(label="First day of the window", widget=DATE)
    window_end = forms.DateField(label="Last day of the window", widget=DATE)
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=limits.BIGINT_MAX,
        help_text="Optional. The same seed gives the same groups; left empty, one is drawn.",
    )

    def __init__(self, *args, user, program=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.zone = ZoneInfo(user.time_zone)
        cohorts = managed_cohorts(user=user).select_related("program").order_by("name")
        self.fields["program"].queryset = Program.objects.filter(
            pk__in=cohorts.values("program")
        ).order_by("name")
        if program is not None:
            cohorts = cohorts.filter(program=program)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].label_from_instance = lambda c: f"{c.name} ({c.program.name})"
        self.fields["teams"].queryset = managed_teams(user=user).order_by("name")

    def clean(self):
        data = super().clean()
        cohort, program = data.get("cohort"), data.get("program")
        if cohort and program and cohort.program_id != program.pk:
            self.add_error("cohort", "This cohort is not in the chosen program.")
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", "The window must end on or after its first day.")
        if "cohort" in data and "teams" in data:
            errors = experiment_target_errors(cohort=cohort, teams=data["teams"])
            for field, problems in errors.items():
                self.add_error(field, problems)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "cohort": data["cohort"],
            "teams": list(data["teams"]),
            "window_start": self._midnight(data["window_start"]),
            "window_end": self._midnight(data["window_end"] + datetime.timedelta(days=1)),
            "seed": data["seed"],
        }

    def _midnight(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, self.zone).astimezone(datetime.UTC)


def _add_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


# --- Pages ---------------------------------------------------------------------------------


@login_required
def experiment_list(request):
    """The experiments in the manager's scope, newest window first."""
    _require_manager(request.user)
    experiments = (
        experiment_visible_to(user=request.user)
        .select_related("cohort")
        .prefetch_related("teams")
        .annotate(agents=Count("assignments"))
        .order_by("-window_start", "-pk")
    )
    return render(
        request,
        "insights/experiments/list.html",
        {"nav": "experiments", "experiments": experiments},
    )


@login_required
@require_http_methods(["GET", "POST"])
def experiment_new(request):
    """Define an experiment; "Show its cohorts" narrows the cohort list to the chosen program
    without creating anything (the page's script does the same as you choose)."""
    user = request.user
    _require_manager(user)
    narrowing = request.method == "POST" and "narrow" in request.POST
    if narrowing:  # keep what was typed, unvalidated, and list the program's cohorts only
        chosen = request.POST.get("program", "")
        program = Program.objects.filter(pk=chosen).first() if chosen.isdigit() else None
        initial = {name: request.POST.get(name) for name in ExperimentForm.base_fields}
        initial["teams"] = request.POST.getlist("teams")
        form = ExperimentForm(initial=initial, user=user, program=program)
    else:
        form = ExperimentForm(request.POST or None, user=user)
    if request.method == "POST" and not narrowing and form.is_valid():
        try:
            experiment = experiment_create(created_by=user, **form.service_arguments())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Experiment “{experiment.name}” created: "
                f"{experiment.assignments.count()} agents assigned.",
                extra_tags="assignment",
            )
            return redirect(reverse("web:experiment", args=[experiment.pk]) + "#assignment")
    describe_fields(form)
    return render(
        request,
        "insights/experiments/new.html",
        {"nav": "experiments", "form": form, "time_zone": user.time_zone},
    )


def _assignment_by_team(experiment) -> tuple[list[dict], dict[str, int]]:
    """Per team (by name, no team last), the agents of each group; and each group's size."""
    teams: dict = {}
    counts = dict.fromkeys(ExperimentAssignment.Group.values, 0)
    rows = experiment.assignments.select_related("agent", "team").order_by(
        "team__name", "agent__display_name", "agent__email"
    )
    for row in rows:
        entry = teams.setdefault(row.team_id, {"team": row.team, "treatment": [], "control": []})
        entry[row.group].append(row.agent)
        counts[row.group] += 1
    ordered = sorted(
        teams.values(), key=lambda t: (t["team"] is None, t["team"] and t["team"].name)
    )
    return ordered, counts


@login_required
def experiment_detail(request, pk):
    """Who is in which group, team by team, and treatment against control."""

    user = request.user
    _require_manager(user)
    experiment = get_object_or_404(
        experiment_visible_to(user=user).select_related("cohort__program", "created_by"), pk=pk
    )
    teams, counts = _assignment_by_team(experiment)
    # Managers read per-agent detail, as from the API; nothing is withheld from them.
    report = reports.experiment_result(experiment, detail=True)
    return render(
        request,
        "insights/experiments/detail.html",
        {
            "nav": "experiments",
            "experiment": experiment,
            "population": list(experiment.teams.order_by("name")),
            "teams": teams,
            "counts": counts,
            "result": experiment_display(experiment, report),
            "min_group": reports.MIN_GROUP,
            "time_zone": user.time_zone,
        },
    )
