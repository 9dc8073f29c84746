"""Hiring pages: openings, candidates, role-plays scored blind, the comparison (and its
CSV), hiring into an agent account, deleting a candidate, and an agent's starting point.

Agents and HR get 403; an opening someone neither runs nor interviews for, and everything
under it, is 404; interviewers read and score, only the opening's managers change it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Team, User
from cohorts.forms import time_zone_names
from cohorts.scope import managed_cohorts, managed_teams
from hiring import exports, selectors, services
from hiring.models import Candidate, Opening
from programs.forms import RubricForm
from programs.models import Rubric, ScenarioCard


def _require_hiring_role(user) -> None:
    if not (user.is_manager or user.role == User.Role.COACH):
        raise PermissionDenied("Hiring is for training managers and the interviewers they name.")


def _visible_opening(request, pk) -> Opening:
    _require_hiring_role(request.user)
    return get_object_or_404(selectors.opening_visible_to(user=request.user), pk=pk)


def _runs(user, opening) -> bool:
    return selectors.opening_managed_by(user=user).filter(pk=opening.pk).exists()


def _require_runs(user, opening) -> None:
    if not _runs(user, opening):
        raise PermissionDenied("Only the managers of the opening's team may change it.")


def _visible_candidate(request, pk) -> Candidate:
    _require_hiring_role(request.user)
    return get_object_or_404(
        selectors.candidate_visible_to(user=request.user).select_related("opening__team"), pk=pk
    )


def _errors(request, error: ValidationError) -> None:
    messages.error(request, "; ".join(error.messages))


class OpeningForm(forms.Form):
    title = forms.CharField(max_length=200)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    rubric = forms.ModelChoiceField(
        queryset=Rubric.objects.none(),
        required=False,
        empty_label="The interview rubric (newest version)",
    )
    interviewers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = managed_teams(user=user).order_by("name")
        self.fields["rubric"].queryset = selectors.interview_rubrics(user=user)
        self.fields["interviewers"].queryset = selectors.interviewer_choices(user=user)


class InterviewersForm(forms.Form):
    interviewers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = selectors.interviewer_choices(user=user)


class OpeningChangeForm(forms.Form):
    """The opening's title and, until a role-play is scored on it, its rubric."""

    title = forms.CharField(max_length=200)
    rubric = forms.ModelChoiceField(queryset=Rubric.objects.none(), required=False)

    def __init__(self, *args, user, rubric_fixed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if rubric_fixed:
            del self.fields["rubric"]
        else:
            self.fields["rubric"].queryset = selectors.interview_rubrics(user=user)
            self.fields["rubric"].empty_label = None


class CandidateForm(forms.Form):
    name = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail")
    phone = forms.CharField(max_length=40, required=False)


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[c for c in Candidate.Stage.choices if c[0] != Candidate.Stage.HIRED]
    )


class InterviewForm(forms.Form):
    scenario = forms.ModelChoiceField(
        queryset=ScenarioCard.objects.none(),
        required=False,
        label="Scenario card",
        empty_label="Draw one from the library",
    )
    held_on = forms.DateField(
        required=False, label="Held on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = selectors.scenario_library(user=user)


class HireForm(forms.Form):
    cohort = forms.ModelChoiceField(
        queryset=None, required=False, label="Enrol in cohort", empty_label="No cohort"
    )
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        label="Their time zone",
        help_text="Type to search, e.g. Europe/London. Empty: the cohort's, or UTC.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = (
            managed_cohorts(user=user)
            .exclude(status__in=["finished", "cancelled"])
            .order_by("name")
        )


class ScoreForm(RubricForm):
    notes = forms.CharField(required=False, max_length=4000, widget=forms.Textarea({"rows": 3}))


@login_required
@require_http_methods(["GET", "POST"])
def openings(request):
    """The openings I run or interview for; managers open a new one here."""
    _require_hiring_role(request.user)
    form = OpeningForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.is_manager:
            raise PermissionDenied("Only training managers open hiring.")
        if form.is_valid():
            try:
                opening = services.opening_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, f"“{opening}” is open.")
                return redirect("web:hiring-opening", pk=opening.pk)
    rows = (
        selectors.opening_visible_to(user=request.user)
        .select_related("team")
        .annotate(candidate_count=Count("candidates"))
        .order_by("-created_at", "-id")
    )
    may_open = request.user.is_manager and form.fields["team"].queryset.exists()
    context = {"nav": "hiring", "openings": rows, "form": form, "may_open": may_open}
    return render(request, "hiring/openings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opening_detail(request, pk):
    """An opening: its candidates; managers add candidates and name the interviewers."""
    opening = _visible_opening(request, pk)
    runs = _runs(request.user, opening)
    candidate_form = CandidateForm(prefix="candidate")
    rubric_fixed = runs and selectors.opening_rubric_fixed(opening=opening)
    change_form = OpeningChangeForm(
        user=request.user,
        rubric_fixed=rubric_fixed,
        prefix="change",
        initial={"title": opening.title, "rubric": opening.rubric_id},
    )
    interviewers_form = InterviewersForm(
        user=request.user, prefix="panel", initial={"interviewers": opening.interviewers.all()}
    )
    if request.method == "POST":
        _require_runs(request.user, opening)
        if "status" in request.POST:
            try:
                services.opening_update(opening=opening, status=request.POST["status"])
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, f"“{opening}” is {opening.get_status_display().lower()}.")
                return redirect("web:hiring-opening", pk=opening.pk)
        elif "change-title" in request.POST:
            change_form = OpeningChangeForm(
                request.POST, user=request.user, rubric_fixed=rubric_fixed, prefix="change"
            )
            if change_form.is_valid():
                try:
                    services.opening_update(opening=opening, **change_form.cleaned_data)
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, "Opening saved.")
                    return redirect("web:hiring-opening", pk=opening.pk)
        elif "candidate-name" in request.POST:
            candidate_form = CandidateForm(request.POST, prefix="candidate")
            if candidate_form.is_valid():
                try:
                    candidate = services.candidate_add(
                        opening=opening, **candidate_form.cleaned_data
                    )
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, f"{candidate} added.")
                    return redirect("web:hiring-opening", pk=opening.pk)
        else:
            interviewers_form = InterviewersForm(request.POST, user=request.user, prefix="panel")
            if interviewers_form.is_valid():
                try:
                    services.opening_update(
                        opening=opening, interviewers=interviewers_form.cleaned_data["interviewers"]
                    )
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, "Interviewers saved.")
                    return redirect("web:hiring-opening", pk=opening.pk)
    context = {
        "nav": "hiring",
        "opening": opening,
        "runs": runs,
        "candidates": opening.candidates.annotate(role_plays=Count("interviews")).order_by("name"),
        "interviewers": opening.interviewers.order_by("display_name", "email"),
        "criteria": opening.rubric.criteria.order_by("order", "id"),
        "candidate_form": candidate_form,
        "change_form": change_form,
        "rubric_fixed": rubric_fixed,
        "interviewers_form": interviewers_form,
    }
    return render(request, "hiring/opening.html", context)


def _comparison(request, pk):
    opening = _visible_opening(request, pk)
    _require_runs(request.user, opening)
    return opening, selectors.comparison_rows(opening=opening)


@login_required
def comparison(request, pk):
    """The candidates ranked, criterion by criterion, with the interviewers' disagreements."""
    opening, rows = _comparison(request, pk)
    criteria = list(opening.rubric.criteria.order_by("order", "id"))
    context = {"nav": "hiring", "opening": opening, "rows": rows, "criteria": criteria,
               "points": selectors.DISAGREEMENT_POINTS}  # fmt: skip
    return render(request, "hiring/comparison.html", context)


@login_required
def comparison_csv(request, pk):
    opening, rows = _comparison(request, pk)
    response = HttpResponse(
        exports.comparison_csv(opening=opening, rows=rows), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="opening-{opening.pk}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request, pk):
    """A candidate: contact, stage, role-plays; managers move the stage, add a role-play,
    hire or delete."""
    candidate = _visible_candidate(request, pk)
    opening = candidate.opening
    runs = _runs(request.user, opening)
    stage_form = StageForm(prefix="stage", initial={"stage": candidate.stage})
    interview_form = InterviewForm(user=request.user, prefix="interview")
    if request.method == "POST":
        _require_runs(request.user, opening)
        if "stage-stage" in request.POST:
            stage_form = StageForm(request.POST, prefix="stage")
            if stage_form.is_valid():
                try:
                    services.candidate_update(candidate=candidate, **stage_form.cleaned_data)
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, "Stage saved.")
                    return redirect("web:hiring-candidate", pk=candidate.pk)
        else:
            interview_form = InterviewForm(request.POST, user=request.user, prefix="interview")
            if interview_form.is_valid():
                try:
                    interview = services.interview_create(
                        candidate=candidate, **interview_form.cleaned_data
                    )
                except ValidationError as error:
                    _errors(request, error)
                else:
                    messages.success(request, "Role-play added.")
                    return redirect("web:hiring-interview", pk=interview.pk)
    starting_point = None
    if candidate.agent_id:
        (starting_point,) = selectors.comparison_rows(opening=opening, candidates=[candidate])
    context = {
        "nav": "hiring",
        "candidate": candidate,
        "opening": opening,
        "runs": runs,
        "interviews": candidate.interviews.select_related("scenario").annotate(
            score_count=Count("scores")
        ),
        "stage_form": stage_form,
        "interview_form": interview_form,
        "hire_form": HireForm(user=request.user, prefix="hire") if runs else None,
        "time_zones": time_zone_names() if runs else (),
        "starting_point": starting_point,
    }
    return render(request, "hiring/candidate.html", context)


@login_required
@require_POST
def candidate_hire(request, pk):
    candidate = _visible_candidate(request, pk)
    _require_runs(request.user, candidate.opening)
    form = HireForm(request.POST, user=request.user, prefix="hire")
    if not form.is_valid():
        if "cohort" in form.errors:
            messages.error(request, "Choose a cohort you facilitate.")
        else:
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("web:hiring-candidate", pk=candidate.pk)
    try:
        agent = services.candidate_hire(candidate=candidate, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, f"{candidate} is hired: {agent.email} has been invited to set a password."
        )
    return redirect("web:hiring-candidate", pk=candidate.pk)


@login_required
@require_POST
def candidate_delete(request, pk):
    candidate = _visible_candidate(request, pk)
    opening = candidate.opening
    _require_runs(request.user, opening)
    services.candidate_delete(candidate=candidate)
    messages.success(request, "The candidate and their role-plays, scores and notes are deleted.")
    return redirect("web:hiring-opening", pk=opening.pk)


@login_required
@require_http_methods(["GET", "POST"])
def interview_detail(request, pk):
    """A role-play: the scenario card, my score form, and the others' scores once mine is in."""
    _require_hiring_role(request.user)
    interview = get_object_or_404(
        selectors.interview_visible_to(user=request.user).select_related(
            "candidate__opening__rubric", "scenario"
        ),
        pk=pk,
    )
    opening = interview.candidate.opening
    criteria = list(opening.rubric.criteria.order_by("order", "id"))
    is_interviewer = selectors.is_interviewer(opening=opening, user=request.user)
    mine = interview.scores.filter(interviewer=request.user).first()
    form = None
    if is_interviewer and mine is None:
        form = ScoreForm(request.POST or None, criteria=criteria)
        if request.method == "POST" and form.is_valid():
            try:
                services.interview_score_submit(
                    interview=interview,
                    interviewer=request.user,
                    values=form.values(),
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, "Your score is in: the others' scores are below.")
                return redirect("web:hiring-interview", pk=interview.pk)
    elif request.method == "POST":
        raise PermissionDenied("Only the opening's interviewers score, once each.")
    unblinded = selectors.interview_unblinded(interview=interview, user=request.user)
    scores = selectors.interview_scores_for(interview=interview, user=request.user)
    context = {
        "nav": "hiring",
        "interview": interview,
        "candidate": interview.candidate,
        "opening": opening,
        "criteria": criteria,
        "form": form,
        "unblinded": unblinded,
        "scores": [{"score": s, "values": [s.values.get(c.key) for c in criteria]} for s in scores],
        "hidden": interview.scores.count() - len(scores) if not unblinded else 0,
    }
    return render(request, "hiring/interview.html", context)


@login_required
def starting_point(request):
    """An agent's own interview scores from when they were hired."""
    if request.user.role != User.Role.AGENT:
        raise Http404("Only agents have a starting point.")
    candidate = selectors.starting_point_candidate(agent=request.user, user=request.user)
    row = None
    if candidate is not None:
        (row,) = selectors.comparison_rows(opening=candidate.opening, candidates=[candidate])
    context = {"nav": "plan", "candidate": candidate, "row": row}
    return render(request, "hiring/starting_point.html", context)


@login_required
def agent_starting_point(request, agent_pk):
    """An agent's starting point, for a manager whose scope holds the agent (or who ran the
    opening they were hired from); anyone else: 404."""
    if not request.user.is_manager:
        raise PermissionDenied("Starting points are for the agent and their managers.")
    agent = get_object_or_404(User, pk=agent_pk, role=User.Role.AGENT)
    candidate = selectors.starting_point_candidate(agent=agent, user=request.user)
    if candidate is None:
        raise Http404("No starting point you may read.")
    (row,) = selectors.comparison_rows(opening=candidate.opening, candidates=[candidate])
    context = {"nav": "hiring", "candidate": candidate, "row": row, "agent": agent}
    return render(request, "hiring/starting_point.html", context)
