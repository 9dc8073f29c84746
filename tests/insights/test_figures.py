"""Aggregate figures against scipy and against small examples worked by hand."""

import json
import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from insights.figures import (
    TIMES,
    annualised_attrition,
    kaplan_meier,
    kaplan_meier_counted,
    lagged_correlations,
    median,
    nps,
    proportion_comparison,
    roi_estimate,
    t_test_power,
    welch_comparison,
    welch_from_summary,
    z_test_power,
)

TOL = 1e-9

RNG = np.random.default_rng(20260901)
SAMPLES = [
    (RNG.normal(7.4, 1.1, 40).tolist(), RNG.normal(6.9, 1.6, 35).tolist()),
    (RNG.normal(3.0, 0.4, 12).tolist(), RNG.normal(3.2, 2.0, 9).tolist()),
    ([4.0, 5.0, 6.0], [1.0, 2.0, 3.0, 4.0, 5.0]),
    pytest.param(
        [7.0, 7.0, 7.0],
        [5.0, 6.0, 8.0, 9.0],
        id="zero-variance-in-one-group",
        # scipy (not figures.py) warns about the constant group
        marks=pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning"),
    ),
]


def _json_clean(result) -> None:
    """Serialises without NaN or infinities."""
    json.dumps(result, allow_nan=False)


# -- Welch -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("treatment", "control"), SAMPLES)
def test_welch_matches_scipy(treatment, control):
    result = welch_comparison(treatment, control)
    expected = stats.ttest_ind(treatment, control, equal_var=False)
    interval = expected.confidence_interval(0.95)

    assert result["p_value"] == pytest.approx(expected.pvalue, abs=TOL)
    assert result["degrees_of_freedom"] == pytest.approx(expected.df, abs=TOL)
    assert result["ci_low"] == pytest.approx(interval.low, abs=TOL)
    assert result["ci_high"] == pytest.approx(interval.high, abs=TOL)
    assert result["difference"] == pytest.approx(np.mean(treatment) - np.mean(control), abs=TOL)
    assert result["treatment_n"] == len(treatment)
    assert result["control_n"] == len(control)
    _json_clean(result)


def test_welch_by_hand():
    # treatment 4, 5, 6: mean 5, variance 1. control 1..5: mean 3, variance 2.5.
    # SE^2 = 1/3 + 2.5/5 = 5/6; df = (5/6)^2 / ((1/3)^2 / 2 + (1/2)^2 / 4) = 100/17.
    # Pooled variance = (2 * 1 + 4 * 2.5) / 6 = 2, so d = 2 / sqrt(2) = sqrt(2).
    result = welch_comparison([4, 5, 6], [1, 2, 3, 4, 5])

    assert result["treatment_mean"] == 5
    assert result["control_mean"] == 3
    assert result["difference"] == 2
    assert result["standard_error"] == pytest.approx(math.sqrt(5 / 6), abs=TOL)
    assert result["degrees_of_freedom"] == pytest.approx(100 / 17, abs=TOL)
    assert result["cohens_d"] == pytest.approx(math.sqrt(2), abs=TOL)
    half_width = stats.t.ppf(0.975, 100 / 17) * math.sqrt(5 / 6)
    assert result["ci_low"] == pytest.approx(2 - half_width, abs=TOL)
    assert result["ci_high"] == pytest.approx(2 + half_width, abs=TOL)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((-0.2446, 4.2446), abs=1e-4)
    # The MDE is on the noncentral t with df 100/17, wider than the normal's 2.5575.
    assert result["minimum_detectable_effect"] > 2.5575
    assert t_test_power(
        result["minimum_detectable_effect"] / math.sqrt(5 / 6), 100 / 17
    ) == pytest.approx(0.8, abs=TOL)
    assert result["conclusive"] is False  # p = 0.072 and MDE > 2
    assert result["reason"].startswith("not enough data to tell")


def test_welch_alpha_changes_the_interval():
    treatment, control = SAMPLES[0]
    result = welch_comparison(treatment, control, alpha=0.1)
    interval = stats.ttest_ind(treatment, control, equal_var=False).confidence_interval(0.9)

    assert result["confidence_level"] == pytest.approx(0.9)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(interval, abs=TOL)


def _spread(mean: float, n: int) -> list[float]:
    """n values alternating mean - 2 and mean + 2: exactly that mean, SD about 2."""
    return [mean + (2 if i % 2 else -2) for i in range(n)]


def test_mde_rule_large_groups_are_conclusive():
    result = welch_comparison(_spread(11, 200), _spread(10, 200))

    assert result["difference"] == pytest.approx(1)
    assert result["p_value"] < 0.001
    assert result["minimum_detectable_effect"] < 1
    assert result["conclusive"] is True


def test_mde_rule_same_means_with_four_per_group_are_not():
    result = welch_comparison(_spread(11, 4), _spread(10, 4))

    assert result["difference"] == pytest.approx(1)
    assert result["p_value"] >= 0.05
    assert result["minimum_detectable_effect"] > 1
    assert result["conclusive"] is False
    assert result["reason"].startswith("not enough data to tell")


def test_two_against_two_is_not_called_conclusive():
    # The defect: p = 0.051 on df = 2 was "conclusive" because the detectable difference
    # used normal quantiles (2.8 standard errors) while the test used t on 2 df.
    treatment, control = [4.0, 5.0], [1.0, 2.0]  # difference 3, standard error 1/sqrt(2)
    result = welch_comparison(treatment, control, unit="agents")

    assert result["p_value"] == pytest.approx(
        stats.ttest_ind(treatment, control, equal_var=False).pvalue, abs=TOL
    )
    assert result["degrees_of_freedom"] == pytest.approx(2, abs=TOL)
    assert result["p_value"] == pytest.approx(0.0513, abs=1e-4)
    normal_mde = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * result["standard_error"]
    assert normal_mde < 3  # what made the old rule call it conclusive
    assert result["minimum_detectable_effect"] > 3
    assert result["conclusive"] is False
    assert result["power_at_observed"] < 0.8


@pytest.mark.parametrize(("effect", "n1", "n2"), [(0.5, 20, 20), (0.3, 50, 80), (1.2, 4, 6)])
def test_t_power_matches_statsmodels(effect, n1, n2):
    from statsmodels.stats.power import TTestIndPower

    # With equal variances the noncentrality is d * sqrt(n1 n2 / (n1 + n2)), df n1 + n2 - 2.
    noncentrality = effect * math.sqrt(n1 * n2 / (n1 + n2))
    expected = TTestIndPower().power(effect, nobs1=n1, alpha=0.05, ratio=n2 / n1)

    assert t_test_power(noncentrality, n1 + n2 - 2) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(("effect", "n1", "n2"), [(0.2, 100, 100), (0.5, 30, 60)])
def test_z_power_matches_statsmodels(effect, n1, n2):
    from statsmodels.stats.power import NormalIndPower

    noncentrality = effect * math.sqrt(n1 * n2 / (n1 + n2))
    expected = NormalIndPower().power(effect, nobs1=n1, alpha=0.05, ratio=n2 / n1)

    assert z_test_power(noncentrality) == pytest.approx(expected, abs=TOL)


def test_the_detectable_difference_has_the_stated_power():
    treatment, control = SAMPLES[0]
    result = welch_comparison(treatment, control)
    noncentrality = result["minimum_detectable_effect"] / result["standard_error"]

    assert t_test_power(noncentrality, result["degrees_of_freedom"]) == pytest.approx(0.8, abs=1e-9)
    observed = result["difference"] / result["standard_error"]
    assert result["power_at_observed"] == pytest.approx(
        t_test_power(observed, result["degrees_of_freedom"]), abs=TOL
    )


def test_welch_from_summary_equals_welch_from_values():
    treatment, control = SAMPLES[1]
    summary = welch_from_summary(
        len(treatment), np.mean(treatment), np.var(treatment, ddof=1),
        len(control), np.mean(control), np.var(control, ddof=1),
    )  # fmt: skip
    values = welch_comparison(treatment, control)

    for key in ("p_value", "ci_low", "ci_high", "degrees_of_freedom", "cohens_d"):
        assert summary[key] == pytest.approx(values[key], abs=TOL)


@pytest.mark.parametrize(
    ("treatment", "control"),
    [([], []), ([5.0], [4.0, 6.0]), ([5.0, 6.0], [4.0]), ([], [1.0, 2.0])],
)
def test_welch_too_few_values(treatment, control):
    result = welch_comparison(treatment, control)

    assert result["conclusive"] is False
    assert result["reason"].startswith("not enough data to tell")
    assert result["p_value"] is None
    assert result["ci_low"] is None
    assert result["minimum_detectable_effect"] is None
    _json_clean(result)


def test_welch_one_value_each_still_reports_means():
    result = welch_comparison([5.0], [3.0])

    assert result["difference"] == 2
    assert result["conclusive"] is False


def test_welch_no_variance_in_either_group():
    result = welch_comparison([3, 3, 3], [5, 5, 5, 5])

    assert result["difference"] == -2
    assert result["p_value"] is None
    assert result["cohens_d"] is None
    assert result["conclusive"] is False
    assert "same" in result["reason"]
    _json_clean(result)


def test_welch_rejects_nan():
    with pytest.raises(ValueError, match="finite"):
        welch_comparison([1.0, float("nan")], [1.0, 2.0])


# -- proportions -----------------------------------------------------------------------------

PROPORTIONS = [(45, 120, 30, 115), (12, 40, 20, 38), (300, 1000, 262, 1010), (0, 25, 4, 30)]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), PROPORTIONS)
def test_proportions_match_scipy(x1, n1, x2, n2):
    result = proportion_comparison(x1, n1, x2, n2)
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    table = [[x1, n1 - x1], [x2, n2 - x2]]

    assert result["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), abs=TOL)
    chi2_p = stats.chi2_contingency(table, correction=False)[1]
    assert result["p_value"] == pytest.approx(chi2_p, abs=TOL)
    _json_clean(result)


def test_proportions_by_hand():
    # 30/100 vs 20/100: difference 0.1. Unpooled SE = sqrt(.3*.7/100 + .2*.8/100)
    # = sqrt(.0037) = 0.0608276; CI = 0.1 +- 1.959964 * 0.0608276 = [-0.019220, 0.219220].
    # Pooled 0.25: SE0 = sqrt(.25 * .75 * .02) = 0.0612372, z = 1.632993, p = 0.102470.
    # h = 2 asin(sqrt .3) - 2 asin(sqrt .2) = 1.159279 - 0.927295 = 0.231984.
    result = proportion_comparison(30, 100, 20, 100)

    assert result["treatment_rate"] == pytest.approx(0.3)
    assert result["control_rate"] == pytest.approx(0.2)
    assert result["difference"] == pytest.approx(0.1, abs=TOL)
    assert result["standard_error"] == pytest.approx(math.sqrt(0.0037), abs=TOL)
    assert result["ci_low"] == pytest.approx(-0.019220, abs=1e-6)
    assert result["ci_high"] == pytest.approx(0.219220, abs=1e-6)
    assert result["p_value"] == pytest.approx(0.102470, abs=1e-6)
    assert result["cohens_h"] == pytest.approx(0.231984, abs=1e-6)
    # MDE = 2.801585 * 0.0608276 = 0.170414 > 0.1, and p >= 0.05
    assert result["minimum_detectable_effect"] == pytest.approx(0.170414, abs=1e-6)
    assert result["conclusive"] is False


def test_proportions_large_clear_difference_is_conclusive():
    result = proportion_comparison(300, 1000, 200, 1000)

    assert result["p_value"] < 0.001
    assert result["conclusive"] is True


def test_proportions_all_same_outcome_is_not_conclusive():
    result = proportion_comparison(0, 50, 0, 60)

    assert result["difference"] == 0
    assert result["p_value"] is None
    assert result["conclusive"] is False
    assert result["reason"] == "not enough data to tell: every outcome is the same in both groups"
    _json_clean(result)
    assert proportion_comparison(40, 40, 12, 12)["conclusive"] is False


def test_proportions_small_group_is_not_conclusive():
    # Significant (p < .001), but a group of 9 is too small to report.
    result = proportion_comparison(9, 9, 10, 100)

    assert result["p_value"] < 0.001
    assert result["conclusive"] is False
    # It counts observations, and says so (it used to say "people").
    assert result["reason"].endswith("at least 10 interactions")
    assert proportion_comparison(1, 9, 2, 9, unit="agents")["reason"].endswith("10 agents")


def test_proportions_empty_group():
    result = proportion_comparison(0, 0, 3, 10)

    assert result["treatment_rate"] is None
    assert result["difference"] is None
    assert result["conclusive"] is False
    _json_clean(result)


def test_proportions_reject_impossible_counts():
    with pytest.raises(ValueError, match="successes"):
        proportion_comparison(11, 10, 1, 10)


# -- Kaplan-Meier ----------------------------------------------------------------------------


def _scipy_survival(durations, events, times):
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    fitted = stats.ecdf(stats.CensoredData(uncensored=d[e], right=d[~e]))
    return fitted.sf.evaluate(np.asarray(times, dtype=float))


def test_kaplan_meier_by_hand():
    # durations 2 3 3+ 5 7+ 8 ("+" = censored: still in the program when last seen)
    # t=2: 6 at risk, 1 event -> S = 5/6
    # t=3: 5 at risk (the one censored at 3 still counts), 1 event -> S = 5/6 * 4/5 = 2/3
    # t=5: 3 at risk (5, 7+, 8), 1 event -> S = 2/3 * 2/3 = 4/9
    # t=8: 1 at risk, 1 event -> S = 0
    durations = [2, 3, 3, 5, 7, 8]
    events = [True, True, False, True, False, True]
    result = kaplan_meier(durations, events, at=[0, 3, 4, 7.5, 10])

    assert result["times"] == [2, 3, 5, 8]
    assert result["survival"] == pytest.approx([5 / 6, 2 / 3, 4 / 9, 0], abs=TOL)
    assert result["at_risk"] == [6, 5, 3, 1]
    assert result["events"] == [1, 1, 1, 1]
    assert result["survival_at"] == pytest.approx([1, 2 / 3, 2 / 3, 4 / 9, 0], abs=TOL)
    assert result["at_risk_at"] == [6, 5, 3, 1, 0]
    assert result["survival"] == pytest.approx(
        _scipy_survival(durations, events, result["times"]), abs=TOL
    )
    _json_clean(result)


KM_DATASETS = [
    (
        [5, 8, 8, 8, 12, 15, 15, 21, 30, 30, 30, 44, 60, 90, 90],
        [1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0],
    ),
    (
        RNG.exponential(40, 80).round().tolist(),
        (RNG.random(80) < 0.7).tolist(),
    ),
]


@pytest.mark.parametrize(("durations", "events"), KM_DATASETS)
def test_kaplan_meier_matches_scipy(durations, events):
    at = [0, 7, 30, 60, 90, 365]
    result = kaplan_meier(durations, events, at=at)

    assert result["survival"] == pytest.approx(
        _scipy_survival(durations, events, result["times"]), abs=TOL
    )
    assert result["survival_at"] == pytest.approx(_scipy_survival(durations, events, at), abs=TOL)
    assert sum(result["events"]) == sum(bool(e) for e in events)


@pytest.mark.parametrize(("durations", "events"), KM_DATASETS)
def test_kaplan_meier_matches_lifelines(durations, events):
    from lifelines import KaplanMeierFitter

    fitted = KaplanMeierFitter().fit(durations, event_observed=events)
    at = [0, 7, 30, 60, 90, 365]
    result = kaplan_meier(durations, events, at=at)

    assert result["survival_at"] == pytest.approx(
        fitted.survival_function_at_times(at).tolist(), abs=TOL
    )
    table = fitted.event_table.loc[result["times"]]
    assert result["at_risk"] == table["at_risk"].tolist()


def test_kaplan_meier_empty():
    assert kaplan_meier([], []) == {"times": [], "survival": [], "at_risk": [], "events": []}
    result = kaplan_meier([], [], at=[30])
    assert result["survival_at"] == [None]
    assert result["at_risk_at"] == [0]


def test_kaplan_meier_all_censored_and_single():
    result = kaplan_meier([10, 20], [False, False], at=[15])
    assert result["times"] == []
    assert result["survival_at"] == [1.0]
    assert result["at_risk_at"] == [1]

    single = kaplan_meier([4], [True], at=[3, 4])
    assert single["survival"] == [0.0]
    assert single["survival_at"] == [1.0, 0.0]


def test_kaplan_meier_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1, 2], [True])


# -- attrition, NPS, median ------------------------------------------------------------------


def test_annualised_attrition():
    # 3 leavers over 20 agents x 182.625 days = 10 agent-years -> 0.3 per agent-year
    assert annualised_attrition(3, 20 * 182.625) == pytest.approx(0.3, abs=TOL)
    assert annualised_attrition(0, 100) == 0
    assert annualised_attrition(2, 0) is None


def test_nps():
    # promoters 10, 9, 10, 9, 9 = 5; detractors 6, 0, 3 = 3; passives 8, 7
    assert nps([10, 9, 8, 7, 6, 0, 10, 3, 9, 9]) == pytest.approx(20)
    assert nps([10, 10]) == 100
    assert nps([0, 6]) == -100
    assert nps([7, 8]) == 0
    assert nps([]) is None


def test_nps_rejects_out_of_range():
    with pytest.raises(ValueError, match="between 0 and 10"):
        nps([11])


def test_median():
    assert median([]) is None
    assert median([12]) == 12
    assert median([30, 10, 20]) == 20
    assert median([40, 10, 20, 30]) == 25


# -- lagged correlations ---------------------------------------------------------------------


def _scipy_pearson(leading, following, lag):
    pairs = [
        (leading[t], following[t + lag])
        for t in range(min(len(leading), len(following) - lag))
        if leading[t] is not None and following[t + lag] is not None
    ]
    x, y = zip(*pairs, strict=True)
    return stats.pearsonr(x, y)


def test_lag_selection_finds_a_two_week_shift():
    leading = RNG.normal(70, 8, 30).round(1).tolist()
    following = [None, None, *leading[:-2]]  # following[t] = leading[t - 2]
    leading[5] = None  # a gap in each series
    following[20] = None
    result = lagged_correlations(leading, following)

    assert [row["lag"] for row in result["lags"]] == list(range(7))
    assert result["best_lag"] == 2
    assert result["best_r"] == pytest.approx(1, abs=TOL)
    # lag 2 pairs weeks 0..27 with 2..29: 28 weeks, minus leading[5] and leading[18]
    # (following[20] = leading[18] is gone)
    assert result["lags"][2]["n"] == 26
    for row in result["lags"]:
        if row["lag"] == 2:
            continue
        expected = _scipy_pearson(leading, following, row["lag"])
        assert row["r"] == pytest.approx(expected.statistic, abs=TOL)
        assert row["p_value"] == pytest.approx(expected.pvalue, abs=TOL)
    _json_clean(result)


def test_lagged_correlations_match_scipy():
    leading = RNG.normal(0, 1, 40)
    following = 0.6 * np.roll(leading, 3) + RNG.normal(0, 1, 40)
    leading_list = [None if i % 9 == 4 else float(v) for i, v in enumerate(leading)]
    following_list = [None if i % 11 == 7 else float(v) for i, v in enumerate(following)]
    result = lagged_correlations(leading_list, following_list, max_lag=5)

    for row in result["lags"]:
        expected = _scipy_pearson(leading_list, following_list, row["lag"])
        assert row["r"] == pytest.approx(expected.statistic, abs=TOL)
        assert row["p_value"] == pytest.approx(expected.pvalue, abs=TOL)
    assert result["best_lag"] == 3


def test_lagged_correlations_by_hand():
    # lag 0: x = 1 2 3, y = 2 4 7. Deviations -1 0 1 and -7/3 -1/3 8/3: Sxy = 5, Sxx = 2,
    # Syy = 38/3, so r = 5 / sqrt(76/3) = 0.9933993 and r^2 = 75/76;
    # t = r sqrt(1 / (1 - r^2)) = sqrt(75) = 8.660254 on 1 df.
    result = lagged_correlations([1, 2, 3], [2, 4, 7], max_lag=1)

    assert result["lags"][0]["r"] == pytest.approx(0.9933993, abs=1e-7)
    assert result["lags"][0]["p_value"] == pytest.approx(2 * stats.t.sf(math.sqrt(75), 1), abs=TOL)
    assert result["lags"][1] == {"lag": 1, "r": None, "p_value": None, "n": 2}
    assert result["best_lag"] == 0


def test_lagged_correlations_constant_and_short_series():
    constant = lagged_correlations([5.0] * 10, list(range(10)), max_lag=2)
    assert all(row["r"] is None and row["p_value"] is None for row in constant["lags"])
    assert [row["n"] for row in constant["lags"]] == [10, 9, 8]
    assert constant["best_lag"] is None
    assert constant["best_r"] is None

    empty = lagged_correlations([], [], max_lag=1)
    assert empty["lags"] == [
        {"lag": 0, "r": None, "p_value": None, "n": 0},
        {"lag": 1, "r": None, "p_value": None, "n": 0},
    ]
    assert empty["best_lag"] is None
    _json_clean(constant)
    _json_clean(empty)


def test_best_lag_prefers_the_highest_signed_r():
    # lag 0 is a perfect negative correlation (r = -1), lag 1 a weak one (r = -0.3): the
    # highest r wins, not the largest |r|.
    result = lagged_correlations([1, 3, 2, 5, 4, 6], [-1, -3, -2, -5, -4, -6], max_lag=2)

    assert [row["r"] for row in result["lags"]] == pytest.approx([-1, -0.3, -0.9428571])
    assert result["best_lag"] == 1
    assert result["best_r"] == pytest.approx(-0.3)


# -- ROI -------------------------------------------------------------------------------------


def test_roi_estimate():
    result = roi_estimate(customers=12_000, revenue_per_customer=1_200, churn_reduction_points=2)

    assert result["retained_revenue"] == pytest.approx(288_000)
    assert result["formula"] == (
        f"customers {TIMES} annual revenue per customer {TIMES} churn reduction = "
        f"12,000 {TIMES} 1,200.00 {TIMES} 2 percentage points = 288,000.00 per year"
    )
    assert result["inputs"] == {
        "customers": 12_000,
        "revenue_per_customer": 1_200.0,
        "churn_reduction_points": 2.0,
    }
    _json_clean(result)


def test_roi_estimate_shows_csat_lift_in_points_without_multiplying_it():
    # The defect: csat_lift=6 (CSAT 78% to 84%) was shown as "+600 points".
    result = roi_estimate(
        customers=12_000, revenue_per_customer=1_200, churn_reduction_points=2,
        csat_lift_points=6,
    )  # fmt: skip

    assert result["retained_revenue"] == pytest.approx(288_000)
    assert result["inputs"]["csat_lift_points"] == 6
    assert "CSAT lift of +6 percentage points satisfied" in result["formula"]
    assert "600" not in result["formula"]


def test_the_direct_distribution_functions_give_scipys_own_values_to_the_bit():
    """figures calls the functions scipy.stats evaluates, without its argument checks; the
    figures must not move by a single bit for that."""
    from insights import figures as f

    for df in (1.5, 2.0, 7.3, 38.0, 412.9):
        for x in (-3.0, -0.4, 0.0, 1.96, 2.7, 9.0):
            assert f._t_sf(x, df) == stats.t.sf(x, df)
            for nc in (-4.0, -0.5, 0.0, 0.5, 2.8, 11.0):
                assert f._nct_sf(x, df, nc) == stats.nct.sf(x, df, nc)
        for q in (0.5, 0.9, 0.975, 0.995):
            assert f._t_ppf(q, df) == stats.t.ppf(q, df)
    for x in (-2.0, 0.0, 1.5, 8.0):
        assert f._norm_sf(x) == stats.norm.sf(x)
    assert f._norm_ppf(0.975) == stats.norm.ppf(0.975)


def _detectable_noncentrality_by_bracket(power, alpha, df):
    """The search as it was: brentq over [0, 10] (widened until power is reached) on the
    power from scipy.stats.nct itself."""
    from scipy import optimize

    critical = stats.t.ppf(1 - alpha / 2, df)

    def shortfall(nc):
        lower = stats.nct.sf(critical, df, -nc)
        return stats.nct.sf(critical, df, nc) + (0.0 if math.isnan(lower) else lower) - power

    high = 10.0
    while shortfall(high) < 0:
        high *= 2
    return optimize.brentq(shortfall, 0.0, high, xtol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("df", [1.0, 1.3, 2.0, 3.7, 8.0, 24.5, 97.0, 1_000.0, 250_000.0])
def test_the_detectable_difference_search_agrees_with_the_bracketed_one(df):
    """The secant search from t(1 - alpha/2) + t(power) finds the root the bracketed search
    found (to 1e-9; in practice 1e-12), including where it falls back to the bracket."""
    from insights.figures import detectable_noncentrality

    for power in (0.5, 0.8, 0.95, 0.99):
        for alpha in (0.01, 0.05, 0.1):
            expected = _detectable_noncentrality_by_bracket(power, alpha, df)
            found = detectable_noncentrality(power, alpha, df)
            assert found == pytest.approx(expected, rel=TOL), (power, alpha)


def test_kaplan_meier_from_counts_is_the_curve_of_the_people_they_stand_for():
    rng = np.random.default_rng(17)
    durations = rng.integers(0, 60, 400).tolist()
    events = (rng.random(400) < 0.3).tolist()
    lines = Counter(zip(durations, events, strict=True))
    points = [0, 10, 30, 59, 90]

    counted = kaplan_meier(
        [d for d, _ in lines], [e for _, e in lines], at=points, counts=list(lines.values())
    )

    assert counted == kaplan_meier(durations, events, at=points)  # to the bit
    assert len(lines) < 400  # repeated lines, each counted once


@pytest.mark.parametrize("seed", range(20))
def test_kaplan_meier_counted_per_duration_is_the_same_curve_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 300))
    durations = rng.integers(0, 90, size).tolist()
    events = (rng.random(size) < 0.3).tolist()
    people = Counter(durations)
    leaving = Counter(d for d, e in zip(durations, events, strict=True) if e)
    table = [(d, people[d], leaving[d]) for d in sorted(people)]
    points = [0, 10, 30.5, 89, 90, 365]

    assert kaplan_meier_counted(table, at=points) == kaplan_meier(durations, events, at=points)


@pytest.mark.parametrize(
    "table",
    [[(-1, 2, 1)], [(3, 2, 3)], [(3, -1, 0)], [(5, 2, 1), (4, 1, 0)], [(5, 2, 1), (5, 1, 0)]],
)
def test_kaplan_meier_counted_refuses_a_table_out_of_order_or_negative(table):
    with pytest.raises(ValueError, match=r"negative|ascending"):
        kaplan_meier_counted(table, at=[0])


def test_kaplan_meier_refuses_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([1, 2], [True, False], counts=[1, -1])
