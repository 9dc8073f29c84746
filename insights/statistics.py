"""Agreement between reviewers, for calibration.

We report the intraclass correlation ICC(2,1) (Shrout & Fleiss 1979: two-way random
effects, absolute agreement, a single rater), computed from the complete interactions x
reviewers matrix; plus the share of reviewer pairs giving the same score and scores at most
one point apart, and each reviewer's mean difference from the consensus (drift).
"""

from dataclasses import dataclass
from itertools import combinations

import numpy as np


@dataclass(frozen=True)
class MeanSquares:
    rows: float  # between targets (interactions)
    columns: float  # between raters (reviewers)
    error: float
    within: float  # within targets (for ICC(1,1))
    n: int
    k: int


def mean_squares(matrix) -> MeanSquares:
    """Two-way ANOVA mean squares of an n targets x k raters matrix without gaps."""
    x = np.asarray(matrix, dtype=float)
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_columns = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((x - grand) ** 2).sum()
    ss_error = ss_total - ss_rows - ss_columns
    return MeanSquares(
        rows=ss_rows / (n - 1),
        columns=ss_columns / (k - 1),
        error=ss_error / ((n - 1) * (k - 1)),
        within=(ss_total - ss_rows) / (n * (k - 1)),
        n=n,
        k=k,
    )


def _usable(matrix) -> bool:
    x = np.asarray(matrix, dtype=float)
    return x.ndim == 2 and x.shape[0] >= 2 and x.shape[1] >= 2


def icc_2_1(matrix) -> float | None:
    """ICC(2,1); None with fewer than two interactions or reviewers, or no variance."""
    if not _usable(matrix):
        return None
    ms = mean_squares(matrix)
    denominator = ms.rows + (ms.k - 1) * ms.error + ms.k * (ms.columns - ms.error) / ms.n
    return None if denominator == 0 else float((ms.rows - ms.error) / denominator)


def icc_1_1(matrix) -> float | None:
    """ICC(1,1), one-way random: here to check the mean squares against published values."""
    if not _usable(matrix):
        return None
    ms = mean_squares(matrix)
    denominator = ms.rows + (ms.k - 1) * ms.within
    return None if denominator == 0 else float((ms.rows - ms.within) / denominator)


def icc_3_1(matrix) -> float | None:
    """ICC(3,1), two-way mixed consistency: likewise a check of the mean squares."""
    if not _usable(matrix):
        return None
    ms = mean_squares(matrix)
    denominator = ms.rows + (ms.k - 1) * ms.error
    return None if denominator == 0 else float((ms.rows - ms.error) / denominator)


def pair_agreement(matrix) -> tuple[float | None, float | None]:
    """(share of reviewer pairs with the same score, share at most one point apart)."""
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2 or x.shape[0] == 0:
        return None, None
    differences = np.array([abs(x[:, a] - x[:, b]) for a, b in combinations(range(x.shape[1]), 2)])
    return float((differences == 0).mean()), float((differences <= 1).mean())


def drift(matrix) -> list[float]:
    """Each reviewer's mean difference from the per-interaction mean of all reviewers."""
    x = np.asarray(matrix, dtype=float)
    consensus = x.mean(axis=1, keepdims=True)
    return [float(value) for value in (x - consensus).mean(axis=0)]
