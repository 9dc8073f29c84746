"""Aggregate figures for HR: comparisons, survival, attrition, lagged correlations, NPS, ROI.

Every function returns plain floats, ints, bools, strings, None, lists and dicts, so results
can be serialised to JSON as they are. A figure that cannot be computed (too little data, no
variation, division by zero) is None, never NaN or infinity.

When is a comparison "not enough data to tell"?
    A treatment/control comparison is marked not conclusive when a group is too small to
    estimate anything (fewer than 2 values for means; fewer than 10 observations for the
    two-proportion test), when nothing varies (every value is the same in both groups, or
    every outcome is the same), or when the difference is not statistically significant
    (p >= alpha) AND the smallest difference the sample could reliably detect is larger than
    the difference we saw. That smallest detectable difference ("minimum detectable effect")
    is the gap a two-sided test at level alpha would pick up with the given power (80% by
    default), computed with the same distribution as the test: for Welch's t-test, the
    noncentral t on the Welch-Satterthwaite degrees of freedom (so 2 against 2 values needs
    a difference about 4 standard errors wide, not the normal approximation's 2.8); for the
    z-test of proportions, the normal. In that case a real effect the size we observed could
    easily go unnoticed, so a non-significant result says nothing either way. Each result
    also states ``power_at_observed``: the chance the test had of being significant if the
    true difference were the one observed.

Only the standard library and scipy are used; nothing here touches Django or the database.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy
from scipy import optimize, special, stats

try:  # the noncentral t's survival function scipy.stats.nct.sf evaluates (Boost's)
    from scipy.special._ufuncs import _nct_sf as _boost_nct_sf
except ImportError:  # a scipy that moved it: the public (slower) method
    _boost_nct_sf = None

__all__ = [
    "TIMES",
    "annualised_attrition",
    "detectable_noncentrality",
    "kaplan_meier",
    "kaplan_meier_counted",
    "lagged_correlations",
    "median",
    "nps",
    "proportion_comparison",
    "roi_estimate",
    "t_test_power",
    "welch_comparison",
    "welch_from_summary",
    "z_test_power",
]

DAYS_PER_YEAR = 365.25
MIN_PROPORTION_GROUP = 10
NOT_ENOUGH = "not enough data to tell"
TIMES = "\N{MULTIPLICATION SIGN}"


# -- helpers ---------------------------------------------------------------------------------


def _clean(value: float | None) -> float | None:
    """A plain float, or None for None, NaN and infinities."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _finite_floats(values: Sequence[float], name: str) -> list[float]:
    out = [float(v) for v in values]
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"{name} must contain only finite numbers")
    return out


def _check_alpha_power(alpha: float, power: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    if not 0 < power < 1:
        raise ValueError("power must be between 0 and 1")


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sample_variance(values: Sequence[float], mean: float) -> float:
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


# The functions scipy.stats' t, noncentral t and normal distributions evaluate, called
# directly: the distributions' own methods check and broadcast their arguments first, which
# costs ~50 µs a call, and the minimum detectable effect's root search makes hundreds of
# calls per A/B result. The values are the same bits (tests/insights/test_figures.py).
def _t_sf(x: float, df: float) -> float:
    return float(special.stdtr(df, -x))  # stats.t.sf


def _t_ppf(q: float, df: float) -> float:
    return float(special.stdtrit(df, q))  # stats.t.ppf


def _nct_sf(x: float, df: float, nc: float) -> float:
    """stats.nct.sf; call it inside `numpy.errstate(over="ignore")`, as scipy does (its
    gh-17432): entered once per search rather than per call, as it costs a third of one."""
    if _boost_nct_sf is None:
        return float(stats.nct.sf(x, df, nc))
    # numpy.clip(value, 0, 1) as stats.nct.sf clips, in plain floats: the same value (NaN
    # stays NaN) without numpy's dispatch, which cost twice the function itself.
    return min(max(float(_boost_nct_sf(x, df, nc)), 0.0), 1.0)


def _norm_sf(x: float) -> float:
    return float(special.ndtr(-x))  # stats.norm.sf


def _norm_ppf(q: float) -> float:
    return float(special.ndtri(q))  # stats.norm.ppf


def t_test_power(noncentrality: float, df: float, alpha: float = 0.05) -> float:
    """Power of a two-sided t-test at level alpha when the true difference is
    ``noncentrality`` standard errors: P(|T'| > t crit), T' noncentral t on ``df``."""
    with numpy.errstate(over="ignore"):
        return _t_power(abs(noncentrality), df, _t_ppf(1 - alpha / 2, df))


def _t_power(nc: float, df: float, critical: float) -> float:
    """`t_test_power` from the critical value; call it inside `numpy.errstate(over="ignore")`."""
    # The lower tail as the upper tail of -T' (scipy's nct.cdf far in the tail can be NaN).
    lower = _nct_sf(critical, df, -nc)
    upper = _nct_sf(critical, df, nc)
    return float(upper + (0.0 if math.isnan(lower) else lower))


def _power_at(t_stat: float, df: float, critical: float) -> float:
    with numpy.errstate(over="ignore"):
        return _t_power(abs(t_stat), df, critical)


def z_test_power(noncentrality: float, alpha: float = 0.05) -> float:
    """Power of a two-sided z-test at level alpha for a difference of ``noncentrality``
    standard errors."""
    critical = _norm_ppf(1 - alpha / 2)
    nc = abs(noncentrality)
    return float(_norm_sf(critical - nc) + special.ndtr(-critical - nc))


def detectable_noncentrality(
    power: float, alpha: float = 0.05, df: float | None = None, *, critical: float | None = None
) -> float:
    """How many standard errors wide a true difference must be for the two-sided test to
    reach ``power`` (t on ``df`` degrees of freedom; the normal when df is None).

    For the t-test the search starts from t(1 - alpha/2) + t(power), within a few percent
    of the answer (closer as df grows), and takes secant steps: five evaluations of the
    noncentral t where a search bracketing [0, 10] took about fourteen. The two agree to
    1e-12 (tests/insights/test_figures.py); a search that does not converge, or steps
    where the curve is flat, falls back to the bracket. `critical`, t(1 - alpha/2) on df,
    when the caller has it already."""
    if df is None:
        return _normal_detectable_noncentrality(power, alpha)
    if critical is None:
        critical = _t_ppf(1 - alpha / 2, df)  # the same at every step

    def shortfall(nc: float) -> float:
        return _t_power(abs(nc), df, critical) - power

    with numpy.errstate(over="ignore"):
        start = critical + _t_ppf(power, df)
        return _secant_root(shortfall, start) or _bracketed_root(shortfall)


def _secant_root(shortfall, start: float, *, tol: float = 1e-13) -> float | None:
    """Secant steps from `start`, as scipy.optimize.newton takes them without a derivative,
    but without its per-step numpy.isclose and warnings, which cost as much as the
    noncentral t it evaluates. None when a step lands where the curve is flat (tiny df,
    high power) or it does not settle in 50 steps: the caller brackets instead."""
    x0, x1 = start, start * 1.001
    y0, y1 = shortfall(x0), shortfall(x1)
    for _ in range(50):
        if y1 == y0 or not math.isfinite(y1):
            return None
        x0, x1, y0 = x1, x1 - y1 * (x1 - x0) / (y1 - y0), y1
        if abs(x1 - x0) <= tol:
            return abs(x1) if math.isfinite(x1) and x1 != 0 else None
        y1 = shortfall(x1)
    return None


@functools.lru_cache(maxsize=16)
def _normal_detectable_noncentrality(power: float, alpha: float) -> float:
    """The z-test's answer depends on nothing but power and alpha: computed once each."""
    return _bracketed_root(lambda nc: z_test_power(nc, alpha) - power)


def _bracketed_root(shortfall) -> float:
    high = 10.0
    while shortfall(high) < 0:  # tiny df need wide differences: widen until power is reached
        high *= 2
    return float(optimize.brentq(shortfall, 0.0, high, xtol=1e-12, rtol=1e-12))


def _mde(
    standard_error: float, alpha: float, power: float, df: float | None = None, critical=None
) -> float:
    return float(detectable_noncentrality(power, alpha, df, critical=critical) * standard_error)


def _verdict(
    *, p_value: float | None, mde: float | None, difference: float | None, alpha: float
) -> tuple[bool, str]:
    """The MDE half of the rule in the module docstring (size and variation are checked first)."""
    if p_value is None or mde is None or difference is None:
        return False, f"{NOT_ENOUGH}: the difference cannot be estimated"
    if p_value < alpha:
        return True, f"the difference is statistically significant (p < {alpha:g})"
    if mde > abs(difference):
        return False, (
            f"{NOT_ENOUGH}: the difference is not statistically significant and the "
            f"smallest difference this sample could reliably detect ({mde:.3g}) is larger "
            f"than the one observed ({abs(difference):.3g})"
        )
    return True, (
        f"the difference is not statistically significant, although the sample could "
        f"reliably detect a difference of {mde:.3g}"
    )


# -- comparisons -----------------------------------------------------------------------------


def welch_comparison(
    treatment: Sequence[float],
    control: Sequence[float],
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    unit: str = "values",
) -> dict[str, Any]:
    """Compare two means with Welch's t-test (unequal variances).

    Returns a dict with the group sizes and means, ``difference`` (treatment - control), its
    (1 - alpha) confidence interval ``ci_low``/``ci_high`` on the Welch-Satterthwaite
    ``degrees_of_freedom``, the two-sided ``p_value`` (as scipy.stats.ttest_ind with
    equal_var=False), ``cohens_d`` standardised by the pooled standard deviation,
    ``standard_error``, ``minimum_detectable_effect`` and ``power_at_observed`` (both on the
    noncentral t) and the ``conclusive``/``reason`` verdict described in the module
    docstring. ``unit`` names what one value is ("agents", "interactions") in the reason.
    Figures that cannot be computed are None.
    """
    a = _finite_floats(treatment, "treatment")
    b = _finite_floats(control, "control")
    n1, n2 = len(a), len(b)
    mean1 = _mean(a) if n1 else None
    mean2 = _mean(b) if n2 else None
    return welch_from_summary(
        n1,
        mean1,
        _sample_variance(a, mean1) if n1 > 1 else None,
        n2,
        mean2,
        _sample_variance(b, mean2) if n2 > 1 else None,
        alpha=alpha,
        power=power,
        unit=unit,
    )


def welch_from_summary(
    n1: int,
    mean1: float | None,
    var1: float | None,
    n2: int,
    mean2: float | None,
    var2: float | None,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    unit: str = "values",
) -> dict[str, Any]:
    """`welch_comparison` from each group's size, mean and sample variance."""
    _check_alpha_power(alpha, power)
    result: dict[str, Any] = {
        "unit": unit,
        "treatment_n": n1,
        "control_n": n2,
        "treatment_mean": _clean(mean1),
        "control_mean": _clean(mean2),
        "difference": None if mean1 is None or mean2 is None else _clean(mean1 - mean2),
        "ci_low": None,
        "ci_high": None,
        "confidence_level": 1 - alpha,
        "p_value": None,
        "cohens_d": None,
        "degrees_of_freedom": None,
        "standard_error": None,
        "minimum_detectable_effect": None,
        "power_at_observed": None,
        "alpha": alpha,
        "power": power,
        "conclusive": False,
        "reason": "",
    }
    if n1 < 2 or n2 < 2:
        result["reason"] = f"{NOT_ENOUGH}: each group needs at least 2 {unit} with a value"
        return result
    var1, var2 = max(var1, 0.0), max(var2, 0.0)  # a sum-of-squares rounding below zero is zero
    if var1 == 0 and var2 == 0:
        result["reason"] = f"{NOT_ENOUGH}: every value is the same within both groups"
        return result

    difference = mean1 - mean2
    se1, se2 = var1 / n1, var2 / n2
    se = math.sqrt(se1 + se2)
    df = (se1 + se2) ** 2 / (se1**2 / (n1 - 1) + se2**2 / (n2 - 1))
    t_stat = difference / se
    p_value = 2 * _t_sf(abs(t_stat), df)
    critical = _t_ppf(1 - alpha / 2, df)  # for the interval, the MDE and the power
    half_width = critical * se
    pooled_sd = math.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2))
    result.update(
        ci_low=_clean(difference - half_width),
        ci_high=_clean(difference + half_width),
        p_value=_clean(p_value),
        cohens_d=_clean(difference / pooled_sd),
        degrees_of_freedom=_clean(df),
        standard_error=_clean(se),
        minimum_detectable_effect=_clean(_mde(se, alpha, power, df, critical)),
        power_at_observed=_clean(_power_at(t_stat, df, critical)),
    )
    result["conclusive"], result["reason"] = _verdict(
        p_value=result["p_value"],
        mde=result["minimum_detectable_effect"],
        difference=result["difference"],
        alpha=alpha,
    )
    return result


def proportion_comparison(
    treatment_successes: int,
    treatment_n: int,
    control_successes: int,
    control_n: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    unit: str = "interactions",
) -> dict[str, Any]:
    """Compare two proportions, each observation counted as independent (so use it where
    the observations are the units that were randomised, or as a labelled secondary view).

    Returns a dict with the group sizes and ``treatment_rate``/``control_rate``,
    ``difference`` (treatment - control), its Wald (1 - alpha) confidence interval
    ``ci_low``/``ci_high`` with the unpooled standard error, the two-sided ``p_value`` of the
    pooled two-proportion z-test (the same as a chi-square test without continuity
    correction), Cohen's h, ``standard_error`` (unpooled), ``minimum_detectable_effect`` on
    that standard error and the ``conclusive``/``reason`` verdict of the module docstring.
    Figures that cannot be computed are None.
    """
    _check_alpha_power(alpha, power)
    for successes, n, name in (
        (treatment_successes, treatment_n, "treatment"),
        (control_successes, control_n, "control"),
    ):
        if n < 0 or not 0 <= successes <= n:
            raise ValueError(f"{name}: need 0 <= successes <= n")
    x1, n1, x2, n2 = treatment_successes, treatment_n, control_successes, control_n
    p1 = x1 / n1 if n1 else None
    p2 = x2 / n2 if n2 else None
    result: dict[str, Any] = {
        "unit": unit,
        "treatment_n": int(n1),
        "control_n": int(n2),
        "treatment_successes": int(x1),
        "control_successes": int(x2),
        "treatment_rate": _clean(p1),
        "control_rate": _clean(p2),
        "difference": None if p1 is None or p2 is None else _clean(p1 - p2),
        "ci_low": None,
        "ci_high": None,
        "confidence_level": 1 - alpha,
        "p_value": None,
        "cohens_h": None,
        "standard_error": None,
        "minimum_detectable_effect": None,
        "power_at_observed": None,
        "alpha": alpha,
        "power": power,
        "conclusive": False,
        "reason": "",
    }
    if p1 is None or p2 is None:
        result["reason"] = f"{NOT_ENOUGH}: a group is empty"
        return result

    difference = p1 - p2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    half_width = _norm_ppf(1 - alpha / 2) * se
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = 2 * _norm_sf(abs(difference / se_pooled)) if se_pooled > 0 else None
    mde = _mde(se, alpha, power)
    result.update(
        ci_low=_clean(difference - half_width),
        ci_high=_clean(difference + half_width),
        p_value=_clean(p_value),
        cohens_h=_clean(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))),
        standard_error=_clean(se),
        minimum_detectable_effect=_clean(mde),
        power_at_observed=_clean(z_test_power(difference / se, alpha)) if se > 0 else None,
    )
    if n1 < MIN_PROPORTION_GROUP or n2 < MIN_PROPORTION_GROUP:
        result["reason"] = f"{NOT_ENOUGH}: each group needs at least {MIN_PROPORTION_GROUP} {unit}"
    elif pooled in (0, 1):
        result["reason"] = f"{NOT_ENOUGH}: every outcome is the same in both groups"
    else:
        result["conclusive"], result["reason"] = _verdict(
            p_value=result["p_value"],
            mde=result["minimum_detectable_effect"],
            difference=result["difference"],
            alpha=alpha,
        )
    return result


# -- survival and attrition ------------------------------------------------------------------


def kaplan_meier(
    durations: Sequence[float],
    events: Sequence[bool],
    *,
    at: Sequence[float] | None = None,
    counts: Sequence[int] | None = None,
) -> dict[str, list]:
    """Kaplan-Meier (product-limit) survival estimate.

    ``events[i]`` is True when ``durations[i]`` ended in the event, False when it was
    censored (still going when last seen). With ``counts``, line i stands for
    ``counts[i]`` people with that duration and outcome (lifelines' ``weights``), so a
    table counted in SQL gives the curve its people would. Returns ``times`` (distinct
    event times, ascending), ``survival`` (S(t) just after each), ``at_risk`` (durations
    >= t; someone censored at t counts as at risk at t) and ``events`` (events at t). With
    ``at``, also ``survival_at`` (the right-continuous step function: 1.0 before the first
    event) and ``at_risk_at`` (durations >= t) at those times; ``survival_at`` is None
    throughout when there is no data. Empty input gives empty lists.
    """
    d = _finite_floats(durations, "durations")
    weights = [1] * len(d) if counts is None else [int(c) for c in counts]
    if not len(d) == len(events) == len(weights):
        raise ValueError("durations, events and counts must have the same length")
    if any(v < 0 for v in d) or any(c < 0 for c in weights):
        raise ValueError("durations and counts must not be negative")
    people, leaving = Counter(), Counter()  # per distinct duration
    for v, e, c in zip(d, events, weights, strict=True):
        people[v] += c
        if e:
            leaving[v] += c
    ordered = sorted(people)
    earlier = [0]  # earlier[i]: people with a duration below ordered[i]
    for v in ordered:
        earlier.append(earlier[-1] + people[v])
    total = earlier[-1]

    def at_risk_on(t: float) -> int:
        return total - earlier[bisect_left(ordered, t)]

    times: list[float] = []
    survival: list[float] = []
    at_risk: list[int] = []
    event_counts: list[int] = []
    s = 1.0
    for t in sorted(v for v, k in leaving.items() if k):
        n = at_risk_on(t)
        k = leaving[t]
        s *= 1 - k / n
        times.append(t)
        survival.append(s)
        at_risk.append(n)
        event_counts.append(k)
    result: dict[str, list] = {
        "times": times,
        "survival": survival,
        "at_risk": at_risk,
        "events": event_counts,
    }
    if at is not None:
        points = _finite_floats(at, "at")
        result["survival_at"] = [
            (survival[i - 1] if (i := bisect_right(times, t)) else 1.0) if total else None
            for t in points
        ]
        result["at_risk_at"] = [at_risk_on(t) for t in points]
    return result


def kaplan_meier_counted(
    lines: Sequence[tuple[int | float, int, int]], *, at: Sequence[float]
) -> dict[str, list]:
    """`kaplan_meier(..., at=at)` from a table already counted per duration: ``lines`` are
    (duration, people, events among them), one per distinct duration, in ascending order
    of duration, as a query grouping people by duration answers them. The same values, to
    the bit (tests/insights/test_figures.py), in one pass over the table instead of
    counting people again, which was most of a retention report's Python time."""
    total = 0
    for duration, people, events in lines:
        if duration < 0 or people < 0 or not 0 <= events <= people:
            raise ValueError("durations and counts must not be negative, nor events exceed people")
        total += people
    times: list[float] = []
    survival: list[float] = []
    at_risk: list[int] = []
    event_counts: list[int] = []
    at_risk_at: list[int | None] = [None] * len(at)
    points = sorted(range(len(at)), key=lambda i: at[i])  # the points, in time order
    next_point = 0
    s, still = 1.0, total  # still: people with a duration at or after this line's
    previous = None
    for duration, people, events in lines:
        if previous is not None and duration <= previous:
            raise ValueError("durations must be distinct and in ascending order")
        previous = duration
        while next_point < len(points) and at[points[next_point]] <= duration:
            at_risk_at[points[next_point]] = still
            next_point += 1
        if events:
            s *= 1 - events / still
            times.append(float(duration))
            survival.append(s)
            at_risk.append(still)
            event_counts.append(events)
        still -= people
    for index in points[next_point:]:  # after the last duration: nobody is at risk
        at_risk_at[index] = 0
    return {
        "times": times,
        "survival": survival,
        "at_risk": at_risk,
        "events": event_counts,
        "survival_at": [
            (survival[i - 1] if (i := bisect_right(times, t)) else 1.0) if total else None
            for t in at
        ],
        "at_risk_at": at_risk_at,
    }


def annualised_attrition(leavers: int, exposure_days: float) -> float | None:
    """Leavers per agent-year of exposure: leavers / (exposure_days / 365.25).

    None when there is no exposure.
    """
    if leavers < 0 or exposure_days < 0 or not math.isfinite(exposure_days):
        raise ValueError("leavers and exposure_days must be non-negative and finite")
    if exposure_days == 0:
        return None
    return _clean(leavers / (exposure_days / DAYS_PER_YEAR))


# -- correlation -----------------------------------------------------------------------------


def _present(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _pearson(x: list[float], y: list[float]) -> tuple[float | None, float | None]:
    """Pearson r and its two-sided p-value (as scipy.stats.pearsonr); None when undefined."""
    n = len(x)
    if n < 3 or len(set(x)) == 1 or len(set(y)) == 1:
        return None, None
    mx, my = _mean(x), _mean(y)
    dx = [v - mx for v in x]
    dy = [v - my for v in y]
    denominator = math.sqrt(math.fsum(v * v for v in dx) * math.fsum(v * v for v in dy))
    if denominator == 0:
        return None, None
    r = max(-1.0, min(1.0, math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / denominator))
    if abs(r) == 1:
        return r, 0.0
    t_stat = r * math.sqrt((n - 2) / (1 - r * r))
    return _clean(r), _clean(2 * stats.t.sf(abs(t_stat), n - 2))


def lagged_correlations(
    leading: Sequence[float | None],
    following: Sequence[float | None],
    *,
    max_lag: int = 6,
) -> dict[str, Any]:
    """Pearson correlation of ``leading[t]`` with ``following[t + lag]`` for lag 0..max_lag.

    Both series are weekly and aligned by week index; a week counts for a lag only when both
    values are present (None and NaN are gaps). Returns ``lags``: one
    ``{"lag", "r", "p_value", "n"}`` per lag (r and p_value None when n < 3 or a side is
    constant), ``best_lag``: the lag with the highest r (the earliest on a tie; None when no
    lag has an r) and ``best_r``.
    """
    if max_lag < 0:
        raise ValueError("max_lag must not be negative")
    lags = []
    for lag in range(max_lag + 1):
        pairs = [
            (float(leading[t]), float(following[t + lag]))
            for t in range(min(len(leading), len(following) - lag))
            if _present(leading[t]) and _present(following[t + lag])
        ]
        r, p_value = _pearson([p[0] for p in pairs], [p[1] for p in pairs])
        lags.append({"lag": lag, "r": r, "p_value": p_value, "n": len(pairs)})
    scored = [row for row in lags if row["r"] is not None]
    best = max(scored, key=lambda row: row["r"], default=None)  # max keeps the first on a tie
    return {
        "lags": lags,
        "best_lag": None if best is None else best["lag"],
        "best_r": None if best is None else best["r"],
    }


# -- scores, money, medians ------------------------------------------------------------------


def nps(scores: Sequence[int]) -> float | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), from -100 to 100.

    None when there are no scores.
    """
    if not scores:
        return None
    if any(not 0 <= s <= 10 for s in scores):
        raise ValueError("NPS scores must be between 0 and 10")
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores)


def roi_estimate(
    *,
    customers: int,
    revenue_per_customer: float,
    churn_reduction_points: float,
    csat_lift_points: float | None = None,
) -> dict[str, Any]:
    """Revenue retained per year: customers x annual revenue per customer x churn reduction.

    Units are in the names: ``churn_reduction_points`` and ``csat_lift_points`` are
    percentage points (2 means two points: churn from 10% to 8%; CSAT from 78% to 84%
    satisfied is a lift of 6). Returns ``retained_revenue``, a ``formula`` string with the
    numbers and units filled in, and the ``inputs``. The seeds' "CSAT lift x revenue x churn
    reduction" would multiply two percentages, shrinking the result by the CSAT lift a second
    time; churn reduction is already the business effect the CSAT lift stands for, so the
    CSAT lift is only shown, as context, and never multiplied in.
    """
    for value, name in (
        (revenue_per_customer, "revenue_per_customer"),
        (churn_reduction_points, "churn_reduction_points"),
        (csat_lift_points, "csat_lift_points"),
    ):
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number")
    if customers < 0:
        raise ValueError("customers must not be negative")
    retained = customers * revenue_per_customer * churn_reduction_points / 100
    formula = (
        f"customers {TIMES} annual revenue per customer {TIMES} churn reduction = "
        f"{customers:,} {TIMES} {revenue_per_customer:,.2f} {TIMES} "
        f"{churn_reduction_points:g} percentage points = {retained:,.2f} per year"
    )
    inputs: dict[str, Any] = {
        "customers": customers,
        "revenue_per_customer": float(revenue_per_customer),
        "churn_reduction_points": float(churn_reduction_points),
    }
    if csat_lift_points is not None:
        inputs["csat_lift_points"] = float(csat_lift_points)
        formula += (
            f" (context: a CSAT lift of {csat_lift_points:+g} percentage points satisfied, "
            "not multiplied in; the churn reduction is its effect)"
        )
    return {"retained_revenue": float(retained), "formula": formula, "inputs": inputs}


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the middle two for an even count); None when empty."""
    v = sorted(_finite_floats(values, "values"))
    if not v:
        return None
    middle = len(v) // 2
    return v[middle] if len(v) % 2 else (v[middle - 1] + v[middle]) / 2
