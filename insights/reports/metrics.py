"""The interaction metrics every report computes alike (CSAT, NPS, handle time, escalation,
first-contact resolution...): how each is summed from interactions and made a figure."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    Sum,
)
from django.db.models.functions import Cast


@dataclass(frozen=True)
class Metric:
    """One interaction figure. `kind` says how it is computed from the interactions with a
    value in `field` (and matching `among`):

    - "mean": the mean of the field, divided by `divisor` (seconds to hours);
    - "rate": the percentage of True values;
    - "satisfied": the percentage of values of 4 or more (CSAT as helpdesks report it);
    - "nps": the percentage of 9-10 minus the percentage of 0-6.
    """

    key: str
    label: str
    field: str
    kind: str
    among: Q | None = None
    divisor: float = 1

    def condition(self) -> Q:
        present = Q(**{f"{self.field}__isnull": False})
        return present & self.among if self.among is not None else present

    def successes(self) -> Q | None:
        return {
            "rate": Q(**{self.field: True}),
            "satisfied": Q(**{f"{self.field}__gte": 4}),
            "nps": Q(**{f"{self.field}__gte": 9}),
        }.get(self.kind)

    def aggregates(self, *, agent: str = "agent") -> dict:
        """`<key>_n` values, `<key>_sum` (sum of values, or of successes), `<key>_sumsq`
        (sum of squares, for means), `<key>_detractors` (NPS) and `<key>_agents` (its
        contributors)."""
        condition = self.condition()
        out = {
            f"{self.key}_n": Count("pk", filter=condition),
            f"{self.key}_agents": Count(agent, filter=condition, distinct=True),
        }
        if self.kind == "mean":
            value = Cast(F(self.field), FloatField())
            out[f"{self.key}_sum"] = Sum(value, filter=condition)
            out[f"{self.key}_sumsq"] = Sum(value * value, filter=condition)
        else:
            out[f"{self.key}_sum"] = Count("pk", filter=condition & self.successes())
        if self.kind == "nps":
            out[f"{self.key}_detractors"] = Count(
                "pk", filter=condition & Q(**{f"{self.field}__lte": 6})
            )
        return out

    def value(self, row: dict, *, digits: int | None = 4) -> float | None:
        """The figure from a row of this metric's aggregates (also from an export's row),
        rounded to `digits` (None: unrounded, for statistics computed on it)."""
        n = int(row.get(f"{self.key}_n") or 0)
        if not n or row.get(f"{self.key}_sum") in (None, ""):
            return None
        total = float(row[f"{self.key}_sum"])
        if self.kind == "nps":
            total -= float(row[f"{self.key}_detractors"])
        value = total / n / self.divisor if self.kind == "mean" else 100 * total / n
        return value if digits is None else round(value, digits)


INTERACTION_METRICS = [
    Metric("csat_satisfied_percent", "CSAT (% satisfied: 4 or 5 of 5)", "csat", "satisfied"),
    Metric("csat_mean", "CSAT mean (1 to 5)", "csat", "mean"),
    Metric("nps", "NPS", "nps", "nps"),
    Metric("understood_mean", "“Did the agent understand?” (1 to 10)", "understood", "mean"),
    Metric("aht_seconds", "Average handle time (seconds)", "handle_seconds", "mean"),
    Metric("escalation_percent", "Escalation rate (%)", "escalated", "rate"),
    Metric("fcr_percent", "First-contact resolution (%)", "resolved_first_contact", "rate"),
    Metric("repeat_contact_percent", "Repeat contacts (%)", "repeat_contact", "rate"),
    Metric(
        "resolution_hours",
        "Time to resolution (hours, mean)",
        "resolution_seconds",
        "mean",
        divisor=3600,
    ),
    Metric(
        "escalations_resolved_percent",
        "Escalations turned into resolutions (%)",
        "resolved",
        "rate",
        among=Q(escalated=True),
    ),
]
METRICS = {metric.key: metric for metric in INTERACTION_METRICS}
INTERACTION_AGGREGATES = {
    "interactions": Count("pk"),
    "agents": Count("agent", distinct=True),
    **{name: agg for metric in INTERACTION_METRICS for name, agg in metric.aggregates().items()},
}
RUBRIC_FIGURES = ("rubric_percent", "rubric_of_5")
