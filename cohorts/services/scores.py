"""Rubric scores: checked against the rubric version, the percentage derived."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count, DateField, Sum
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone

from accounts.models import User
from cohorts.models import (
    RubricScore,
    RubricScoreWeek,
)
from programs.models import Rubric

# --- Rubric scores -------------------------------------------------------------------------

PERCENT = Decimal("0.01")


def rubric_values_errors(*, rubric: Rubric, values) -> list[str]:
    """What is wrong with `values` for `rubric`, one message per criterion."""
    if not isinstance(values, dict):
        return ["Give one score per criterion, as {criterion key: score}."]
    criteria = {c.key: c for c in rubric.criteria.all()}
    errors = [f"“{key}” is not a criterion of {rubric}." for key in values if key not in criteria]
    for key, criterion in criteria.items():
        value = values.get(key)
        if value is None:
            errors.append(f"“{key}” ({criterion.name}) needs a score.")
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"“{key}” must be a whole number, not {value!r}.")
        elif not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(
                f"“{key}” must be between {criterion.scale_min} and {criterion.scale_max}, "
                f"not {value}."
            )
    return errors


def rubric_percent(*, rubric: Rubric, values: dict[str, int]) -> Decimal:
    """Weighted mean of score / scale maximum, as a percentage with two decimals."""
    criteria = list(rubric.criteria.all())
    total_weight = sum(c.weight for c in criteria)
    weighted = sum(c.weight * Decimal(values[c.key]) / c.scale_max for c in criteria)
    return (weighted / total_weight * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def rubric_score_create(
    *,
    rubric: Rubric,
    scorer: User,
    subject: User,
    context: str,
    values: dict,
    scored_at: datetime.datetime | None = None,
    **details,
) -> RubricScore:
    """Record one application of a published rubric version; the percentage is derived."""
    if not rubric.is_published:
        raise ValidationError({"rubric": f"{rubric} is a draft; scores use published versions."})
    if scorer.pk == subject.pk:
        raise ValidationError({"subject": "Nobody scores themselves."})
    if context not in RubricScore.Context.values:
        raise ValidationError({"context": f"“{context}” is not a score context."})
    errors = rubric_values_errors(rubric=rubric, values=values)
    if errors:
        raise ValidationError({"values": errors})
    score = RubricScore.objects.create(
        rubric=rubric,
        scorer=scorer,
        subject=subject,
        context=context,
        values=values,
        percent=rubric_percent(rubric=rubric, values=values),
        scored_at=scored_at or timezone.now(),
        **details,
    )
    rubric_score_week_add(score=score)
    return score


# --- The weekly rollup of scores (RubricScoreWeek) ----------------------------------------

# The week of a score as HR's reports bucket it: the date of its Monday in the current time
# zone.
SCORE_WEEK = Cast(TruncWeek("scored_at"), DateField())
WEEK_SUMS = {"rubric_sum": Sum("percent"), "rubric_n": Count("pk")}


def rubric_score_week_add(*, score: RubricScore) -> None:
    """Add a new score to its (subject, week) row of the rollup, in one statement (an
    increment, so two scores added at once both count); calibration scores are left out.
    Scores are never moved or changed in what the rollup sums, so adding is enough."""
    if score.context == RubricScore.Context.CALIBRATION:
        return
    added = (
        RubricScore.objects.filter(pk=score.pk)
        .annotate(week=SCORE_WEEK)
        .values("subject_id", "week", "percent")
    )
    connection = connections[added.db]
    sql, params = added.query.get_compiler(connection=connection).as_sql()
    table = RubricScoreWeek._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (subject_id, week, rubric_n, rubric_sum)"
            f" SELECT s.subject_id, s.week, 1, s.percent FROM ({sql}) s WHERE true"
            f" ON CONFLICT (subject_id, week) DO UPDATE SET"
            f" rubric_n = {table}.rubric_n + 1,"
            f" rubric_sum = {table}.rubric_sum + excluded.rubric_sum",
            params,
        )


def rubric_score_weeks_rebuild(*, using: str = "default") -> int:
    """Recompute the whole rollup of scores from the scores, in one transaction; returns
    the number of rows written (after loading scores in SQL, or changing TIME_ZONE)."""
    sums = (
        RubricScore.objects.using(using)
        .exclude(context=RubricScore.Context.CALIBRATION)
        .order_by()
        .annotate(week=SCORE_WEEK)
        .values("subject_id", "week")
        .annotate(**WEEK_SUMS)
    )
    connection = connections[using]
    sql, params = sums.query.get_compiler(connection=connection).as_sql()
    table = RubricScoreWeek._meta.db_table
    columns = "subject_id, week, rubric_sum, rubric_n"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM ({sql}) s", params)
        return cursor.rowcount


def rubric_score_acknowledge(*, score: RubricScore, agent: User, now=None) -> RubricScore:
    """The agent confirms they read a score's feedback; the first confirmation is kept."""
    if score.subject_id != agent.pk:
        raise ValidationError({"score": "Only the agent the score is about acknowledges it."})
    if score.acknowledged_at is None:
        score.acknowledged_at = now or timezone.now()
        RubricScore.objects.filter(pk=score.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=score.acknowledged_at
        )
    return score
