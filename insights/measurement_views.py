"""Training managers' measurement pages: their assessments (baseline, end of program,
follow-up) and one assessment's comparison with the others of its cohort.

Only training managers (others 403), and only the assessments `baseline_visible_to`
gives them (any other answers 404). Dates are shown in the cohort's time zone."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from insights import selectors


def _require_manager(user) -> None:
    if not user.is_manager:
        raise PermissionDenied("Measurement is for training managers.")


def _zone(assessment, user) -> ZoneInfo:
    if assessment.cohort_id:
        return ZoneInfo(assessment.cohort.time_zone)
    return ZoneInfo(getattr(user, "time_zone", "") or "UTC")


def window_label(start: datetime.datetime, end: datetime.datetime, zone: ZoneInfo) -> str:
    """The window's days, locally; its end is exclusive (midnight after the last day)."""
    first = start.astimezone(zone)
    last = (end - datetime.timedelta(microseconds=1)).astimezone(zone)
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


@login_required
def measurement_list(request):
    """Every assessment of the cohorts and teams I manage, newest first, with its kind."""
    _require_manager(request.user)
    assessments = (
        selectors.baseline_visible_to(user=request.user)
        .select_related("cohort", "team", "rubric")
        .annotate(sampled=Count("items"), scored=Count("items__score"))
        .order_by("-window_end", "-pk")
    )
    rows = [
        {
            "assessment": a,
            "window": window_label(a.window_start, a.window_end, _zone(a, request.user)),
        }
        for a in assessments
    ]
    return render(request, "insights/measurement_list.html", {"nav": "measurement", "rows": rows})


def _shown(value, unit: str, *, signed: bool = False) -> str:
    if value is None:
        return "no data"
    sign = "+" if signed and value > 0 else ""
    if unit == "percent":
        return f"{sign}{value:.1f} points" if signed else f"{value:.1f}%"
    if unit == "rate":
        return f"{sign}{value * 100:.1f} points" if signed else f"{value * 100:.1f}%"
    if unit == "seconds":
        return f"{sign}{value:.0f} s"
    return f"{sign}{value:.2f}"


@login_required
def measurement_detail(request, pk):
    """One assessment with its cohort's baseline, end of program and follow-up side by
    side: each figure, its n, and its change from the baseline."""
    _require_manager(request.user)
    assessment = get_object_or_404(
        selectors.baseline_visible_to(user=request.user).select_related("cohort", "team"), pk=pk
    )
    comparison = selectors.assessment_comparison(assessment=assessment)
    zone = _zone(assessment, request.user)
    columns = [
        column | {"window": window_label(column["window_start"], column["window_end"], zone)}
        for column in comparison["assessments"]
    ]
    rows = [
        {
            "label": row["label"],
            "criterion": row["key"].startswith("criterion:"),
            "cells": [
                {
                    "value": _shown(cell["value"], row["unit"]),
                    "count": cell["count"],
                    "change": (
                        None
                        if cell["change"] is None
                        else _shown(cell["change"], row["unit"], signed=True)
                    ),
                }
                for cell in row["cells"]
            ],
        }
        for row in comparison["rows"]
    ]
    has_baseline = bool(columns) and columns[0]["kind"] == "baseline"
    return render(
        request,
        "insights/measurement_detail.html",
        {
            "nav": "measurement",
            "assessment": assessment,
            "columns": columns,
            "rows": rows,
            "has_baseline": has_baseline,
        },
    )
