"""The "Program insights" page for HR and training managers: the completion funnel,
retention, KPI trends and an A/B result, as server-rendered SVG charts with their numbers.

The figures come from insights.reports, which already hides groups too small for HR; this
module only turns them into charts and tables. The CSV export links are the JSON API's
URLs with the same filters (the session cookie authenticates them).
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team
from cohorts.models import Cohort, Experiment
from cohorts.selectors import cohort_visible_to, experiment_visible_to
from insights import charts, reports
from programs.models import Program

# (figure key, label, multiplier, unit): rates are fractions, shown as percentages.
KPI_METRICS = [
    ("csat", "CSAT (1 to 5)", 1, ""),
    ("nps", "NPS", 1, ""),
    ("aht_seconds", "Average handle time (seconds)", 1, ""),
    ("escalation_rate", "Escalation rate (%)", 100, "%"),
    ("fcr_rate", "First-contact resolution (%)", 100, "%"),
    ("rubric_average", "Rubric average (%)", 1, "%"),
]
# (metric key, label, effect size key): rates stay fractions here, as in the verdict text.
EXPERIMENT_METRICS = [
    ("csat", "CSAT", "cohens_d"),
    ("nps", "NPS", "cohens_d"),
    ("aht_seconds", "Average handle time (seconds)", "cohens_d"),
    ("escalation_rate", "Escalation rate (proportion)", "cohens_h"),
    ("fcr_rate", "First-contact resolution (proportion)", "cohens_h"),
]
EFFECT_NAMES = {"cohens_d": "Cohen's d", "cohens_h": "Cohen's h"}


class InsightFilterForm(forms.Form):
    program = forms.ModelChoiceField(Program.objects.none(), required=False, empty_label="All")
    cohort = forms.ModelChoiceField(Cohort.objects.none(), required=False, empty_label="All")
    team = forms.ModelChoiceField(Team.objects.none(), required=False, empty_label="All")
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput({"type": "date"}, "%Y-%m-%d")
    )
    end = forms.DateField(
        label="To (inclusive)",
        required=False,
        widget=forms.DateInput({"type": "date"}, "%Y-%m-%d"),
    )
    experiment = forms.ModelChoiceField(
        Experiment.objects.none(), required=False, empty_label="None", label="A/B experiment"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["program"].queryset = Program.objects.filter(status=Program.Status.PUBLISHED)
        self.fields["cohort"].queryset = (
            Cohort.objects.all() if user.is_hr else cohort_visible_to(user=user)
        )
        self.fields["team"].queryset = Team.objects.all()
        self.fields["experiment"].queryset = experiment_visible_to(user=user)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The range must end on or after its first day.")
        return data

    def scope_filters(self) -> dict:
        """The filters as reports.scope_for takes them; dates become the local midnights
        that bound the range (the end is exclusive, so the day after "to")."""
        data = self.cleaned_data
        return {
            "program": data["program"] and data["program"].pk,
            "cohort": data["cohort"] and data["cohort"].pk,
            "team": data["team"] and data["team"].pk,
            "start": _midnight(data["start"]),
            "end": _midnight(data["end"] and data["end"] + datetime.timedelta(days=1)),
        }


def _midnight(day: datetime.date | None) -> datetime.datetime | None:
    return day and timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _exports(url: str, filters: dict) -> dict:
    params = {
        name: value.isoformat() if isinstance(value, datetime.datetime) else value
        for name, value in filters.items()
        if value is not None
    }
    return {kind: f"{url}?{urlencode(params | {'export': kind})}" for kind in ("figures", "rows")}


@login_required
def hr_insights(request):
    """Filters, then the four sections; an invalid filter shows its error and no figures."""
    user = request.user
    if not (user.is_hr or user.is_manager):
        raise PermissionDenied("Insights are for HR and training managers.")
    form = InsightFilterForm(request.GET, user=user)
    context = {"nav": "insights", "form": form, "min_group": reports.MIN_GROUP}
    if form.is_valid():
        filters = form.scope_filters()
        scope = reports.scope_for(user, **filters)
        context.update(
            detail=scope.detail,
            funnel=_funnel(reports.funnel_report(scope), filters),
            retention=_retention(reports.retention(scope), filters),
            kpis=_kpis(reports.kpi_trends(scope), filters),
        )
        if experiment := form.cleaned_data["experiment"]:
            detail = user.is_manager and not user.is_hr  # as the experiments API
            report = reports.experiment_result(experiment, detail=detail)
            context["experiment"] = _experiment(experiment, report)
    return render(request, "insights/hr.html", context)


# --- From report figures to charts ---------------------------------------------------------


def _funnel(report: dict, filters: dict) -> dict:
    figures = report["figures"]
    steps = []
    if figures.get("enrolled"):
        steps = [
            ("Enrolled", figures["enrolled"]),
            ("Attended all workshops", figures["attended_all_workshops"]),
            *(
                (f"Module completed: {m['phase']}, {m['topic']}", m["completed"])
                for m in figures["modules"]
            ),
            ("Certified", figures["certified"]),
        ]
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-funnel"), filters),
        "chart": charts.bar_chart("Completion funnel: agents at each step", steps),
        "data": charts.data_table(["Step", "Agents"], steps),
        "certification_rate": _percent(figures.get("certification_rate")) or "no data",
        "median_days": charts.format_number(figures.get("median_days_to_certification")),
    }


def _retention(report: dict, filters: dict) -> dict:
    groups = {
        name.capitalize(): group
        for name, group in report["figures"]["groups"].items()
        if group["agents"]  # neither suppressed nor empty
    }
    risk_points = [str(day) for day in reports.RISK_POINTS_DAYS]
    chart = charts.step_chart(
        "Retention from hire date: share still employed",
        {name: (g["curve"]["times"], g["curve"]["survival"]) for name, g in groups.items()},
        x_max=max((row["days"] for row in report["rows"]), default=None),
    )
    survival = [
        [f"day {day}"] + [_percent(g["survival_at"].get(day)) for g in groups.values()]
        for day in risk_points
    ]
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-retention"), filters),
        "chart": chart,
        "data": charts.data_table(["Time since hire", *groups], survival if groups else []),
        "risk_days": reports.RISK_POINTS_DAYS,
        "groups": [
            {
                "name": name.capitalize(),
                "agents": group["agents"],
                "leavers": group["leavers"],
                "attrition": charts.format_number(group["annualised_attrition"]),
                "at_risk": [(group["at_risk"] or {}).get(day) for day in risk_points],
            }
            for name, group in report["figures"]["groups"].items()
        ],
    }


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{charts.format_number(value * 100)}%"


def _scaled(value, multiplier):
    return None if value is None else value * multiplier


def _kpis(report: dict, filters: dict) -> dict:
    weeks = report["figures"]["weeks"]
    trends = []
    for key, label, multiplier, unit in KPI_METRICS:
        points = [(week["week"], _scaled(week[key], multiplier)) for week in weeks]
        trends.append(
            {
                "label": label,
                "chart": charts.line_chart(f"{label} by week", points, unit=unit),
                "data": charts.data_table(["Week starting", label], points),
            }
        )
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-kpis"), filters),
        "trends": trends,
        **_comparison(report["figures"]["comparison"]),
    }


def _comparison(comparison: dict) -> dict:
    """Baseline against the latest 30 days: a column per window (no baseline column
    without a baseline assessment), "suppressed" where a window has too few agents."""
    windows = [
        (title, comparison[key])
        for key, title in (("baseline", "Baseline"), ("latest_30_days", "Latest 30 days"))
        if key in comparison
    ]
    columns = [
        {
            "title": title,
            "range": f"{window['from'][:10]} to {window['to'][:10]}",
            "note": window.get("suppressed"),
        }
        for title, window in windows
    ]
    rows = []
    for key, label, multiplier, unit in KPI_METRICS:
        if key == "rubric_average":  # not part of the window comparison
            continue
        cells = []
        for _, window in windows:
            value = _scaled(window.get(key), multiplier)
            cells.append(
                "suppressed" if "suppressed" in window else f"{charts.format_number(value)}{unit}"
            )
        rows.append([label, *cells])
    return {"comparison_columns": columns, "comparison_rows": rows}


def _experiment(experiment, report: dict) -> dict:
    figures = report["figures"]
    metrics = []
    for key, label, effect_key in EXPERIMENT_METRICS:
        if figures["metrics"] is None:  # suppressed: a group is too small
            break
        result = figures["metrics"][key]
        difference, low, high = result["difference"], result["ci_low"], result["ci_high"]
        metrics.append(
            {
                "label": label,
                "difference": charts.format_number(difference),
                "interval": f"{charts.format_number(low)} to {charts.format_number(high)}",
                "confidence": f"{charts.format_number(result['confidence_level'] * 100)}%",
                "plot": charts.interval_plot(
                    f"Difference in {label}, treatment minus control",
                    difference,
                    low,
                    high,
                    chart_id=f"ab-{key}",
                ),
                "p_value": _p_value(result["p_value"]),
                "effect": f"{EFFECT_NAMES[effect_key]} {charts.format_number(result[effect_key])}",
                "treatment_n": result["treatment_n"],
                "control_n": result["control_n"],
                "conclusive": result["conclusive"],
                "reason": result["reason"],
            }
        )
    return {
        "experiment": experiment,
        "window": {name: moment[:10] for name, moment in figures["window"].items()},
        "agents": figures["agents"],
        "metrics": metrics,
        "notes": report["notes"],
        "exports": _exports(reverse("experiment-result", args=[experiment.pk]), {}),
    }


def _p_value(p: float | None) -> str:
    return "< 0.001" if p is not None and p < 0.001 else charts.format_number(p)
