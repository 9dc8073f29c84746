"""Reads for measurement: scoped interactions, the baseline report, calibration results."""

from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet

from cohorts.scope import managed_agents, managed_cohorts, managed_teams
from insights import statistics
from insights.models import BaselineAssessment, CalibrationSession, Interaction
from insights.services import population

# --- Scoping -------------------------------------------------------------------------------


def interaction_visible_to(*, user) -> QuerySet[Interaction]:
    """Agents: their own. Managers: the agents in their scope (cohorts/scope.py). Coaches:
    their team's agents and whatever they were given to review. HR: none."""
    if not user.is_authenticated or user.is_hr:
        return Interaction.objects.none()
    if user.is_superuser:
        return Interaction.objects.all()
    if user.is_manager:
        # The agents in scope as a subquery. Testing each row newest first (an EXISTS per
        # row) once cost 100 ms at 10x in the growth benchmark, reading past other
        # managers' newer rows; this form has stayed flat there (docs/benchmarks.md).
        return Interaction.objects.filter(agent__in=managed_agents(user=user))
    if user.role == user.Role.COACH:
        assigned = Q(baseline_item__reviewer=user) | Q(calibration_sessions__reviewers=user)
        team = Q(agent__team=user.team) if user.team_id else Q(pk__in=[])
        return Interaction.objects.filter(assigned | team).distinct()
    return Interaction.objects.filter(agent=user)


def baseline_visible_to(*, user) -> QuerySet[BaselineAssessment]:
    if not user.is_authenticated or user.is_hr:
        return BaselineAssessment.objects.none()
    if user.is_manager:
        # A baseline's items name agents: only the cohort's or team's managers read it.
        return BaselineAssessment.objects.filter(
            Q(cohort__in=managed_cohorts(user=user)) | Q(team__in=managed_teams(user=user))
        )
    return BaselineAssessment.objects.filter(reviewers=user)


def calibration_visible_to(*, user) -> QuerySet[CalibrationSession]:
    if not user.is_authenticated or user.is_hr:
        return CalibrationSession.objects.none()
    if user.is_superuser:
        return CalibrationSession.objects.all()
    if user.is_manager:
        return CalibrationSession.objects.filter(Q(created_by=user) | Q(reviewers=user)).distinct()
    return CalibrationSession.objects.filter(reviewers=user)


# --- Baseline report -----------------------------------------------------------------------


def _rate(true_count: int, known: int) -> float | None:
    return round(true_count / known, 4) if known else None


def baseline_report(*, assessment: BaselineAssessment) -> dict:
    """Rubric averages of the scored sample, and CSAT / AHT / escalation / FCR over the
    whole window, each with the number of values it rests on."""
    criteria = list(assessment.rubric.criteria.order_by("order", "id"))
    scores = [item.score for item in assessment.items.select_related("score") if item.score]
    per_criterion = {}
    for criterion in criteria:
        values = [s.values[criterion.key] for s in scores]
        per_criterion[criterion.key] = {
            "name": criterion.name,
            "average": round(sum(values) / len(values), 4) if values else None,
            "count": len(values),
        }
    window = population(
        cohort=assessment.cohort,
        team=assessment.team,
        start=assessment.window_start,
        end=assessment.window_end,
    ).aggregate(
        interactions=Count("pk"),
        csat_average=Avg("csat"),
        csat_count=Count("csat"),
        aht_average=Avg("handle_seconds"),
        aht_count=Count("handle_seconds"),
        escalated_count=Count("pk", filter=Q(escalated=True)),
        escalation_known=Count("escalated"),
        fcr_count=Count("pk", filter=Q(resolved_first_contact=True)),
        fcr_known=Count("resolved_first_contact"),
    )
    percents = [s.percent for s in scores]
    return {
        "sample": {"size": assessment.items.count(), "scored": len(scores)},
        "rubric": {
            "criteria": per_criterion,
            "overall_percent": (round(sum(percents) / len(percents), 2) if percents else None),
            "count": len(scores),
        },
        "window": {
            "interactions": window["interactions"],
            "csat": {"average": _round(window["csat_average"]), "count": window["csat_count"]},
            "aht_seconds": {
                "average": _round(window["aht_average"]),
                "count": window["aht_count"],
            },
            "escalation_rate": {
                "rate": _rate(window["escalated_count"], window["escalation_known"]),
                "count": window["escalation_known"],
            },
            "first_contact_resolution": {
                "rate": _rate(window["fcr_count"], window["fcr_known"]),
                "count": window["fcr_known"],
            },
        },
    }


def _round(value):
    return None if value is None else round(float(value), 4)


# --- Baseline, end of program and follow-up side by side -----------------------------------

KIND_ORDER = [kind.value for kind in BaselineAssessment.Kind]


def assessments_compared(*, assessment: BaselineAssessment) -> list[BaselineAssessment]:
    """The assessments read together with `assessment`: its cohort's baseline (the one the
    later ones name), end of program and follow-up, in that order. A team's baseline, or
    a cohort's without later ones, stands alone."""
    if assessment.kind == BaselineAssessment.Kind.BASELINE:
        baseline = assessment
    else:
        baseline = assessment.compared_to
    later = BaselineAssessment.objects.filter(
        cohort_id=assessment.cohort_id,
        kind__in=[BaselineAssessment.Kind.END_OF_PROGRAM, BaselineAssessment.Kind.FOLLOW_UP],
    )
    if assessment.cohort_id is None:
        later = later.none()
    elif baseline is not None:
        later = later.filter(compared_to=baseline)
    found = ([baseline] if baseline else []) + list(later.select_related("rubric"))
    if assessment not in found:
        found.append(assessment)
    return sorted(found, key=lambda a: KIND_ORDER.index(a.kind))


def _comparison_rows(reports: list[dict]) -> list[dict]:
    """One row per figure: label, unit, and per assessment its value, its n and its change
    from the baseline (the first column when it is one)."""
    figures = [
        (
            "rubric_percent",
            "Rubric average",
            "percent",
            lambda r: r["rubric"]["overall_percent"],
            lambda r: r["rubric"]["count"],
        )
    ]
    criteria = {}
    for report in reports:
        for key, data in report["rubric"]["criteria"].items():
            criteria.setdefault(key, data["name"])
    for key, name in criteria.items():
        figures.append((
            f"criterion:{key}", name, "points",
            lambda r, k=key: r["rubric"]["criteria"].get(k, {}).get("average"),
            lambda r, k=key: r["rubric"]["criteria"].get(k, {}).get("count", 0),
        ))  # fmt: skip
    window = [
        ("csat", "CSAT (1-5)", "points", "average"),
        ("aht_seconds", "Average handle time", "seconds", "average"),
        ("escalation_rate", "Escalation rate", "rate", "rate"),
        ("first_contact_resolution", "First-contact resolution", "rate", "rate"),
    ]
    for key, label, unit, field in window:
        figures.append((
            key, label, unit,
            lambda r, k=key, f=field: r["window"][k][f],
            lambda r, k=key: r["window"][k]["count"],
        ))  # fmt: skip
    rows = []
    for key, label, unit, value_of, count_of in figures:
        values = [value_of(report) for report in reports]
        base = values[0] if reports and reports[0]["kind"] == "baseline" else None
        cells = [
            {
                "kind": report["kind"],
                "value": value,
                "count": count_of(report),
                "change": (
                    round(value - base, 4)
                    if index and base is not None and value is not None
                    else None
                ),
            }
            for index, (report, value) in enumerate(zip(reports, values, strict=True))
        ]
        rows.append({"key": key, "label": label, "unit": unit, "cells": cells})
    return rows


def assessment_comparison(*, assessment: BaselineAssessment) -> dict:
    """Baseline, end of program and follow-up side by side: for each, the rubric average
    and each criterion (over its scored sample) and CSAT, handle time, escalation and
    first-contact resolution (over its window), each with its n, and each later figure's
    change from the baseline. Whether the gains lasted is the follow-up's change."""
    columns = []
    for item in assessments_compared(assessment=assessment):
        report = baseline_report(assessment=item)
        columns.append({
            "id": item.pk, "kind": item.kind, "kind_label": item.get_kind_display(),
            "name": item.name, "window_start": item.window_start,
            "window_end": item.window_end, "note": item.note, "sample": report["sample"],
            "interactions": report["window"]["interactions"],
        } | {"report": report})  # fmt: skip
    reports = [column["report"] | {"kind": column["kind"]} for column in columns]
    return {
        "cohort": assessment.cohort_id,
        "assessments": [{k: v for k, v in c.items() if k != "report"} for c in columns],
        "rows": _comparison_rows(reports),
    }


# --- Calibration ---------------------------------------------------------------------------


def calibration_results(*, session: CalibrationSession) -> dict:
    """Agreement per criterion and overall over the interactions every reviewer scored,
    and each reviewer's drift from the consensus, flagged beyond the session's bound."""
    reviewers = sorted(session.reviewers.all(), key=lambda person: person.pk)
    criteria = list(session.rubric.criteria.order_by("order", "id"))
    by_cell = {
        (row.interaction_id, row.reviewer_id): row.score
        for row in session.scores.select_related("score")
    }
    scored = {interaction for interaction, _ in by_cell}
    complete = sorted(i for i in scored if all((i, r.pk) in by_cell for r in reviewers))

    def matrix(value_of):
        return [[value_of(by_cell[(i, r.pk)]) for r in reviewers] for i in complete]

    def figures(value_of):
        data = matrix(value_of)
        exact, within_one = statistics.pair_agreement(data) if data else (None, None)
        return {
            "icc_2_1": statistics.icc_2_1(data) if data else None,
            "exact_agreement": exact,
            "within_one_point": within_one,
            "drift": statistics.drift(data) if data else [None] * len(reviewers),
        }

    per_criterion = {c.key: figures(lambda s, key=c.key: s.values[key]) for c in criteria}
    overall = figures(lambda s: sum(s.values[c.key] for c in criteria) / len(criteria))
    bound = float(session.drift_bound)
    return {
        "interactions_compared": len(complete),
        "reviewers": [
            {
                "reviewer": person.pk,
                "name": person.display_name or person.email,
                "drift": overall["drift"][index],
                "flagged": overall["drift"][index] is not None
                and abs(overall["drift"][index]) > bound,
            }
            for index, person in enumerate(reviewers)
        ],
        "overall": {k: v for k, v in overall.items() if k != "drift"},
        "criteria": {
            key: {k: v for k, v in data.items() if k != "drift"}
            | {"drift": dict(zip([r.pk for r in reviewers], data["drift"], strict=True))}
            for key, data in per_criterion.items()
        },
        "drift_bound": str(Decimal(session.drift_bound)),
    }


def reviewer_quality(*, sessions) -> list[dict]:
    """Each reviewer's distance from the consensus, session by session: the mean absolute
    difference, in rubric points, between their criterion scores and the agreed ones, over
    the interactions of the session that have a consensus. Oldest session first."""
    from insights.models import CalibrationConsensus, CalibrationScore

    consensus = {
        (row.session_id, row.interaction_id): row.values
        for row in CalibrationConsensus.objects.filter(session__in=sessions)
    }
    totals: dict[tuple[int, int], list[float]] = {}
    names, dates = {}, {}
    scores = CalibrationScore.objects.filter(session__in=sessions).select_related(
        "score", "reviewer", "session"
    )
    for row in scores:
        agreed = consensus.get((row.session_id, row.interaction_id))
        if agreed is None:
            continue
        gaps = [abs(row.score.values[key] - value) for key, value in agreed.items()]
        entry = totals.setdefault((row.reviewer_id, row.session_id), [0.0, 0])
        entry[0] += sum(gaps) / len(gaps)
        entry[1] += 1
        names[row.reviewer_id] = row.reviewer.display_name or row.reviewer.email
        dates[row.session_id] = (row.session.created_at, row.session.name)
    return [
        {
            "reviewer": names[reviewer],
            "session": dates[session][1],
            "date": dates[session][0],
            "distance": round(total / count, 3),
            "interactions": count,
        }
        for (reviewer, session), (total, count) in sorted(
            totals.items(), key=lambda item: (names[item[0][0]], dates[item[0][1]][0])
        )
    ]
