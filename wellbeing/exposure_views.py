"""Exposure and recovery pages. Managers see their own agents one by one (they assign the
work; cohorts/scope.py says who is theirs); HR sees teams and weeks only, every cell of 5
agents or more. Agents and coaches see neither: an agent's own care is the recovery prompt,
the support page and the journal, never a score."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cohorts.scope import managed_agents
from insights.intensity import interaction_intensity_correct
from insights.models import Intensity, Interaction
from wellbeing import exposure
from wellbeing.models import RotationAdvisory

RECENT_HIGH_SHOWN = 25


def weeks_asked(value) -> int:
    """The `weeks` parameter: 1 to 12, DEFAULT_WEEKS when absent or not a number."""
    try:
        weeks = int(value)
    except (TypeError, ValueError):
        return exposure.DEFAULT_WEEKS
    return min(max(weeks, 1), 12)


def _require_manager(user) -> None:
    if not user.is_manager:
        raise PermissionDenied("Training managers see their own agents' exposure.")


@login_required
def exposure_page(request):
    _require_manager(request.user)
    weeks = weeks_asked(request.GET.get("weeks"))
    start, end = exposure.period(weeks=weeks)
    agents = managed_agents(user=request.user)
    rows = exposure.agent_exposure(agents=agents, start=start, end=end)
    recent_high = (
        Interaction.objects.filter(
            agent__in=agents, intensity=Intensity.HIGH, occurred_at__gte=start, occurred_at__lt=end
        )
        .select_related("agent")
        .order_by("-occurred_at")[:RECENT_HIGH_SHOWN]
    )
    advisories = (
        RotationAdvisory.objects.filter(agent__in=agents, created_at__gte=start)
        .select_related("agent")
        .order_by("-created_at")
    )
    context = {
        "nav": "exposure",
        "weeks": weeks,
        "start": start,
        "end": end,
        "rows": rows,
        "recent_high": recent_high,
        "advisories": advisories,
        "recovery_minutes": exposure.RECOVERY_MINUTES,
        "streak_wanted": exposure.rotation_streak(),
    }
    return render(request, "wellbeing/exposure.html", context)


@login_required
def rotation_advisory(request, pk: int):
    """One advisory: the streak, and the teammates with the least recent exposure."""
    _require_manager(request.user)
    advisory = get_object_or_404(
        RotationAdvisory.objects.select_related("agent", "agent__team"),
        pk=pk,
        agent__in=managed_agents(user=request.user),
    )
    candidates = exposure.rotation_candidates(agent=advisory.agent, account=advisory.account)
    streak = exposure.account_streaks(accounts=[advisory.account]).get(advisory.account)
    ongoing = streak is not None and streak.start_id == advisory.streak_start_id
    context = {
        "nav": "exposure",
        "advisory": advisory,
        "candidates": candidates,
        "streak": streak if ongoing else None,
    }
    return render(request, "wellbeing/rotation_advisory.html", context)


@login_required
def team_exposure(request):
    """Teams by week, for HR (and managers): aggregates of 5 agents or more only."""
    if not (request.user.is_hr or request.user.is_manager):
        raise PermissionDenied("Exposure by team is for HR and training managers.")
    weeks = weeks_asked(request.GET.get("weeks"))
    start, end = exposure.period(weeks=weeks)
    report = exposure.team_exposure_by_week(start=start, end=end, agents=_scope(request.user))
    context = {"nav": "exposure", "weeks": weeks, "report": report}
    return render(request, "wellbeing/exposure_teams.html", context)


def _scope(user):
    """HR reads the organisation; a training manager the agents in their scope (still
    only cells of 5 or more)."""
    return None if user.is_hr else managed_agents(user=user)


class IntensityForm(forms.Form):
    intensity = forms.ChoiceField(choices=Intensity.choices, widget=forms.RadioSelect)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_intensity(request, pk: int):
    """A manager corrects the intensity of one of their agents' interactions."""
    _require_manager(request.user)
    interaction = get_object_or_404(
        Interaction.objects.select_related("agent"),
        pk=pk,
        agent__in=managed_agents(user=request.user),
    )
    form = IntensityForm(request.POST or None, initial={"intensity": interaction.intensity})
    if request.method == "POST" and form.is_valid():
        try:
            interaction_intensity_correct(
                interaction=interaction, intensity=form.cleaned_data["intensity"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{interaction.reference} is now {interaction.intensity}.")
            return redirect("web:exposure")
    context = {"nav": "exposure", "form": form, "interaction": interaction}
    return render(
        request, "wellbeing/interaction_intensity.html", context, status=400 if form.errors else 200
    )
