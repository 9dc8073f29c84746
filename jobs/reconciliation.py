"""Reconciliation: placeholder until the checks land (see docs/reliability.md)."""

from jobs.models import ReconciliationRun


def reconcile(*, now=None) -> ReconciliationRun:
    raise NotImplementedError
