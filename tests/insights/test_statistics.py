"""Agreement figures against published worked examples."""

import pytest

from insights.statistics import drift, icc_1_1, icc_2_1, icc_3_1, pair_agreement

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges. The paper reports
# ICC(1,1) = .17, ICC(2,1) = .29 and ICC(3,1) = .71.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_icc_matches_shrout_and_fleiss():
    assert round(icc_1_1(SHROUT_FLEISS), 2) == 0.17
    assert round(icc_2_1(SHROUT_FLEISS), 2) == 0.29
    assert round(icc_3_1(SHROUT_FLEISS), 2) == 0.71


def test_mean_squares_match_the_published_table():
    from insights.statistics import mean_squares

    ms = mean_squares(SHROUT_FLEISS)

    # Shrout & Fleiss report BMS = 11.24, WMS = 6.26, JMS = 32.49, EMS = 1.02.
    assert [round(v, 2) for v in (ms.rows, ms.within, ms.columns, ms.error)] == [
        11.24,
        6.26,
        32.49,
        1.02,
    ]


def test_icc_2_1_equals_an_exact_rational_computation():
    """The same ANOVA done independently in exact fractions, to 1e-9."""
    from fractions import Fraction

    x = [[Fraction(v) for v in row] for row in SHROUT_FLEISS]
    n, k = len(x), len(x[0])
    grand = sum(map(sum, x)) / (n * k)
    row_means = [sum(row) / k for row in x]
    col_means = [sum(row[j] for row in x) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((v - grand) ** 2 for row in x for v in row)
    bms, jms = ss_rows / (n - 1), ss_cols / (k - 1)
    ems = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    exact = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)

    assert icc_2_1(SHROUT_FLEISS) == pytest.approx(float(exact), abs=1e-9)


def test_perfect_agreement_gives_an_icc_of_one():
    assert icc_2_1([[1, 1, 1], [3, 3, 3], [5, 5, 5]]) == pytest.approx(1.0)


def test_too_little_data_gives_no_icc():
    assert icc_2_1([[3, 4]]) is None
    assert icc_2_1([[3], [4]]) is None
    assert icc_2_1([[3, 3], [3, 3]]) is None


def test_pair_agreement_counts_exact_and_within_one():
    exact, within_one = pair_agreement([[3, 3, 4], [2, 4, 2]])

    # pairs: (3,3) (3,4) (3,4) | (2,4) (2,2) (4,2)
    assert exact == pytest.approx(2 / 6)
    assert within_one == pytest.approx(4 / 6)


def test_drift_is_each_reviewers_distance_from_the_consensus():
    assert drift([[3, 3, 6], [2, 2, 5]]) == pytest.approx([-1.0, -1.0, 2.0])
