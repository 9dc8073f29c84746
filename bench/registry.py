"""The benchmarks `python -m bench` knows, by name."""

from bench.cohorts import cohort_progress, pair_rotation

BENCHMARKS = {
    "pair_rotation": pair_rotation,
    "cohort_progress": cohort_progress,
}
