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
from insights import figures as figures_module
from programs.models import Program

# (figure key, label, unit): every figure on the page, in the units the API gives them.
KPI_METRICS = [
    *((metric.key, metric.label, "%" if metric.key.endswith("percent") else "")
      for metric in reports.INTERACTION_METRICS),
    ("rubric_of_5", "Rubric average (of 5)", ""),
    ("rubric_percent", "Rubric average (%)", "%"),
]  # fmt: skip
# (bottom, top) of each figure's scale: a chart's axis starts at the bottom (and ends at the
# top, when the scale has one), so a week-to-week swing is drawn as big as it is.
PERCENT_SCALE = (0, 100)
KPI_SCALES = {
    "csat_mean": (1, 5),
    "nps": (-100, 100),
    "understood_mean": (1, 10),
    "aht_seconds": (0, None),
    "resolution_hours": (0, None),
    "rubric_of_5": (0, reports.RUBRIC_POINTS),
}


class RoiForm(forms.Form):
    """The ROI estimate's inputs, units in the labels (as the API's names)."""

    customers = forms.IntegerField(min_value=0, max_value=10**10)
    revenue_per_customer = forms.FloatField(
        label="Annual revenue per customer", min_value=0, max_value=10**9
    )
    churn_reduction_points = forms.FloatField(
        label="Churn reduction (percentage points)", min_value=0, max_value=100
    )
    csat_lift_points = forms.FloatField(
        label="CSAT lift (percentage points satisfied)",
        required=False,
        min_value=-100,
        max_value=100,
        help_text="Filled in with the measured change when there is one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


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
    """Filters, then the sections; an invalid filter shows its error and no figures."""
    user = request.user
    if not (user.is_hr or user.is_manager):
        raise PermissionDenied("Insights are for HR and training managers.")
    form = InsightFilterForm(request.GET, user=user)
    context = {"nav": "insights", "form": form, "min_group": reports.MIN_GROUP}
    if form.is_valid():
        filters = form.scope_filters()
        scope = reports.scope_for(user, **filters)
        weekly = reports.weekly_kpis(scope)  # read once, for the KPIs and the leading indicator
        kpi_report = reports.kpi_trends(scope, weekly=weekly)
        kpis = _kpis(kpi_report, filters)
        context.update(
            detail=scope.detail,
            funnel=_funnel(reports.funnel_report(scope), filters),
            retention=_retention(reports.retention(scope, rows=False), filters),
            kpis=kpis,
            leading=_leading(reports.leading_indicator(scope, weekly=weekly), filters),
            roi=_roi(request.GET, kpi_report["figures"]["comparison"]),
            filter_params=[
                (name, value) for name, value in request.GET.items() if name in form.fields
            ],
        )
        if experiment := form.cleaned_data["experiment"]:
            detail = user.is_manager and not user.is_hr  # as the experiments API
            report = reports.experiment_result(experiment, detail=detail)
            context["experiment"] = experiment_display(experiment, report)
    return render(request, "insights/hr.html", context)


# --- From report figures to charts ---------------------------------------------------------


def _funnel(report: dict, filters: dict) -> dict:
    figures = report["figures"]
    steps = reports.funnel_steps(figures)
    enrolled = figures.get("enrolled")
    shares = [_share(agents, enrolled) for _, agents in steps]
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-funnel"), filters),
        "chart": charts.bar_chart(
            "Completion funnel: agents at each step",
            steps,
            notes=["" if i == 0 else f"{s['percent']} of enrolled" for i, s in enumerate(shares)],
        ),
        "data": charts.data_table(
            ["Step", "Agents", "Share of enrolled"],
            [(step, agents, s["text"]) for (step, agents), s in zip(steps, shares, strict=True)],
            label="Completion funnel: agents at each step",
        ),
        "withheld": enrolled is None,
        "completion": [
            {"module": f"{m['phase']}, {m['topic']}", **_share(m["completed"], enrolled)}
            for m in figures.get("modules", [])
        ],
        "certification_rate": _percent(figures.get("certification_rate")) or "no data",
        "certification_rate_of_stayers": (
            _percent(figures.get("certification_rate_of_stayers")) or "no data"
        ),
        "median_days": charts.format_number(figures.get("median_days_to_certification")),
        "completed": figures.get("completed"),
        "closed": (figures.get("completed") or 0) + (figures.get("not_completed") or 0),
        "completion_rate_of_closed": (
            _percent(figures.get("completion_rate_of_closed")) or "no data"
        ),
    }


def _share(part: int | None, whole: int | None) -> dict:
    """A count as a share of the enrolled: the percentage, and "4 of 6 (66.7%)" with the
    numerator and denominator it comes from. Both are figures HR already sees (the funnel
    is withheld whole under MIN_GROUP enrolled), so the share reveals nothing more."""
    if part is None or not whole:
        return {"percent": "no data", "text": "no data", "part": part, "whole": whole}
    percent = _percent(part / whole)
    return {
        "percent": percent,
        "text": f"{charts.format_number(part)} of {charts.format_number(whole)} ({percent})",
        "part": part,
        "whole": whole,
    }


def _retention(report: dict, filters: dict) -> dict:
    groups = {
        name.capitalize(): group
        for name, group in report["figures"]["groups"].items()
        if group["agents"]  # neither suppressed nor empty
    }
    risk_points = [str(day) for day in reports.RISK_POINTS_DAYS]
    chart = charts.step_chart(
        "Retention from the landmark: share still employed",
        {name: (g["curve"]["times"], g["curve"]["survival"]) for name, g in groups.items()},
        # To the last day with agents still at risk that the reader may see (never one
        # agent's own follow-up), or the last event when it is later.
        x_max=max(
            [t for g in groups.values() for t in g["curve"]["times"]]
            + [int(day) for g in groups.values() for day, count in g["at_risk"].items() if count],
            default=None,
        ),
    )
    survival = [
        [f"day {day}"] + [_percent(g["survival_at"].get(day)) for g in groups.values()]
        for day in risk_points
    ]
    figures = report["figures"]
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-retention"), filters),
        "chart": chart,
        "data": charts.data_table(["Days since the landmark", *groups], survival if groups else []),
        "risk_days": reports.RISK_POINTS_DAYS,
        "landmark_days": figures["landmark_days"],
        "counts": {
            key: charts.format_number(figures[key]) if figures[key] is not None else "withheld"
            for key in ("followed", "landmark_not_reached", "left_before_landmark")
        },
        "groups": [
            {
                "name": name.capitalize(),
                "agents": group["agents"],
                "leavers": group["leavers"],
                "attrition": _percent(group["annualised_attrition"]) or "no data",
                "at_risk": [(group["at_risk"] or {}).get(day) for day in risk_points],
            }
            for name, group in figures["groups"].items()
        ],
    }


def _percent(value: float | None) -> str | None:
    """A fraction (0.5) as a percentage ("50%")."""
    return None if value is None else f"{charts.format_number(value * 100)}%"


def _shown(value, unit: str = "") -> str:
    return "no data" if value is None else f"{charts.format_number(value)}{unit}"


def _kpis(report: dict, filters: dict) -> dict:
    weeks = report["figures"]["weeks"]
    trends = []
    for key, label, unit in KPI_METRICS:
        points = [(week["week"], week[key]) for week in weeks]
        present = [(week, value) for week, value in points if value is not None]
        floor, ceiling = KPI_SCALES.get(key, PERCENT_SCALE if unit == "%" else (0, None))
        trend = {
            "label": label,
            "data": charts.data_table(["Week starting", label], points, label=f"{label} by week"),
        }
        if len(present) == 1:
            # One week is a number, not a trend: say it rather than draw a lone dot.
            week, value = present[0]
            trend["single"] = {"value": _shown(value, unit), "week": week}
        else:
            trend["chart"] = charts.line_chart(
                f"{label} by week", points, unit=unit, floor=floor, ceiling=ceiling
            )
        trends.append(trend)
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-kpis"), filters),
        "trends": trends,
        **_comparison(report["figures"]["comparison"]),
    }


def _comparison(comparison: dict) -> dict:
    """Baseline against the latest 30 days, and the change: a column per window (no
    baseline column without a baseline assessment), "withheld" where a figure has fewer
    than MIN_GROUP agents behind it."""
    windows = [
        (title, comparison[key])
        for key, title in (("baseline", "Baseline"), ("latest_30_days", "Latest 30 days"))
        if key in comparison
    ]
    columns = [
        {"title": title, "range": f"{window['from'][:10]} to {window['to'][:10]}"}
        for title, window in windows
    ]
    changes = comparison.get("change")
    lines = [*KPI_METRICS, ("attrition_annualised_percent", "Attrition (annualised, %)", "%")]
    rows = []
    for key, label, unit in lines:
        cells = [_shown(window.get(key), unit) for _, window in windows]
        if changes is not None:
            cells.append(_change(changes.get(key), unit))
        rows.append([label, *cells])
    criteria = _criteria_rows(windows, changes is not None)
    return {
        "comparison_columns": columns,
        "comparison_has_change": changes is not None,
        "comparison_rows": rows,
        "criteria_rows": criteria,
    }


def _change(change: dict | None, unit: str) -> str:
    """ "+6 points (+7.69% relative)" for percentages, "+1.1 (+39.3%)" for other figures."""
    if change is None:
        return "no data"

    def signed(value):
        return f"{'+' if value > 0 else ''}{charts.format_number(value)}"

    text = signed(change["difference"]) + (" points" if unit == "%" else "")
    relative = change["relative_percent"]
    if relative is not None:
        text += f" ({signed(relative)}%{' relative' if unit == '%' else ''})"
    return text


def _criteria_rows(windows, with_change: bool) -> list[list[str]]:
    """One row per rubric criterion: its mean in each window, and the change."""
    names, means = {}, []
    for _, window in windows:
        mine = {c["key"]: c for c in window["criteria"]}
        names |= {key: c["name"] for key, c in mine.items()}
        means.append({key: c["mean"] for key, c in mine.items()})
    rows = []
    for key in sorted(names, key=lambda k: names[k]):
        values = [m.get(key) for m in means]
        cells = [_shown(v) for v in values]
        if with_change:
            both = len(values) == 2 and None not in values
            cells.append(
                _change({"difference": values[1] - values[0], "relative_percent": None}, "")
                if both
                else "no data"
            )
        rows.append([names[key], *cells])
    return rows


def _leading(report: dict, filters: dict) -> dict:
    figures = report["figures"]
    lags = [
        {
            "lag": row["lag"],
            "r": _shown(row["r"]),
            "p_value": _p_value(row["p_value"]),
            "weeks": row["n"],
        }
        for row in figures["lags"]
    ]
    best = next((row for row in figures["lags"] if row["lag"] == figures["best_lag"]), None)
    weekly = [
        (row["week"], row["rubric_percent"], row["csat_satisfied_percent"])
        for row in report["rows"]
    ]
    return {
        "notes": report["notes"],
        "exports": _exports(reverse("insights-leading-indicator"), filters),
        "lags": lags,
        "weekly": charts.data_table(
            ["Week starting", "Rubric average (%)", "CSAT (% satisfied)"],
            weekly,
            label="Weekly rubric average and CSAT",
        ),
        "best_lag": figures["best_lag"],
        "best_r": _shown(figures["best_r"]),
        "best_p_value": best and _p_value(best["p_value"]),
        "best_weeks": best and best["n"],
    }


def _roi(query, comparison: dict) -> dict:
    """The ROI form: bound when its inputs are in the query; the CSAT lift defaults to the
    measured change in % satisfied between the baseline and the latest 30 days."""
    change = (comparison.get("change") or {}).get("csat_satisfied_percent")
    measured = change and round(change["difference"], 2)
    if "customers" in query:
        form = RoiForm(query)
    else:
        form = RoiForm(initial={"csat_lift_points": measured})
    result = None
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        result = figures_module.roi_estimate(**data)
    return {"form": form, "result": result, "measured_lift": measured}


def experiment_display(experiment, report: dict) -> dict:
    figures = report["figures"]
    metrics = []
    for key in reports.EXPERIMENT_METRICS:
        label = reports.METRICS[key].label
        result = figures["metrics"][key]
        if result is None:  # withheld: too few agents with data in a group
            metrics.append({"label": label, "withheld": True})
            continue
        unit = "%" if key.endswith("percent") else ""
        difference, low, high = result["difference"], result["ci_low"], result["ci_high"]
        secondary = result["interaction_level"]
        metrics.append(
            {
                "label": label,
                "difference": _shown(difference, unit),
                "interval": f"{_shown(low, unit)} to {_shown(high, unit)}",
                "confidence": f"{charts.format_number(result['confidence_level'] * 100)}%",
                "plot": charts.interval_plot(
                    f"Difference in {label}, treatment minus control",
                    difference,
                    low,
                    high,
                    chart_id=f"ab-{key}",
                ),
                "p_value": _p_value(result["p_value"]),
                "effect": f"Cohen's d {charts.format_number(result['cohens_d'])}",
                "treatment_n": result["treatment_n"],
                "control_n": result["control_n"],
                "power": _percent(result["power_at_observed"]) or "no data",
                "mde": _shown(result["minimum_detectable_effect"], unit),
                "conclusive": result["conclusive"],
                "reason": result["reason"],
                "secondary": {
                    "difference": _shown(secondary["difference"], unit),
                    "interval": (
                        f"{_shown(secondary['ci_low'], unit)} to "
                        f"{_shown(secondary['ci_high'], unit)}"
                    ),
                    "p_value": _p_value(secondary["p_value"]),
                    "treatment_n": secondary["treatment_n"],
                    "control_n": secondary["control_n"],
                },
            }
        )
    return {
        "experiment": experiment,
        "window": {name: moment[:10] for name, moment in figures["window"].items()},
        "assigned": figures["agents_assigned"],
        "metrics": metrics,
        "notes": report["notes"],
        "exports": _exports(reverse("experiment-result", args=[experiment.pk]), {}),
    }


def _p_value(p: float | None) -> str:
    return "< 0.001" if p is not None and p < 0.001 else charts.format_number(p)
