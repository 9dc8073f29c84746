"""The benchmarks `python -m bench` knows, by name."""

from bench.auth import api_auth
from bench.cohorts import cohort_progress, pair_rotation
from bench.growth import growth, lists, my_plan
from bench.insights import insights
from bench.interactions import interaction_import
from bench.reminders import reminder_sweep
from bench.wellbeing import wellbeing_exposure

BENCHMARKS = {
    "pair_rotation": pair_rotation,
    "cohort_progress": cohort_progress,
    "reminder_sweep": reminder_sweep,
    "interaction_import": interaction_import,
    "insights": insights,
    "api_auth": api_auth,
    "my_plan": my_plan,
    "lists": lists,
    "growth": growth,
    "wellbeing_exposure": wellbeing_exposure,
}

# Benchmarks that read the same data share one database, built once: the growth
# benchmark's 1x and 10x (each benchmark here measures one user's own scope, which the
# other's data does not change). Every other benchmark has a database of its own.
DATABASE_GROUPS = {"my_plan": "growth", "lists": "growth", "growth": "growth"}
