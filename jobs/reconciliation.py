"""Reconciliation: a periodic sweep that finds state which should have produced work and
did not, and does that work (see docs/reliability.md, "Reconciliation").

Independently of task intents, which carry work a request asked for, each check looks at
the data itself: an agent who meets the certification gate but has no decision, a
decision without its badge, a started cohort whose schedule is older than its program's
last change. The checks are named in `settings.ATTUNE_RECONCILERS` (dotted paths), so that
this app imports none of the apps it reconciles. A check is a function
`(now, fix) -> list[Finding]`; it calls the same idempotent services as the normal path,
so a check racing that path does the work once. With `fix=False` a check only says what it
would do.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import ReconciliationRun

log = logging.getLogger(__name__)

# Work younger than this may still be on its way through the normal path (a queued task);
# checks leave it alone, so that a run reports what was missed, not what was in flight.
IN_FLIGHT = datetime.timedelta(minutes=10)
# Runs are kept this long (one every 15 minutes is ~8,600 rows in 90 days).
RUNS_KEPT = datetime.timedelta(days=90)
# A run keeps this many findings in `details` (the counts in `fixed` are always complete).
DETAILS_KEPT = 500


@dataclass(frozen=True)
class Finding:
    check: str  # the check's function name, the key of its count in `fixed`
    object: str  # what was found, for a person: "Ana Ruiz in Rollout (enrolment 12)"
    action: str  # what was done, or with fix=False what would be done


Check = Callable[[datetime.datetime, bool], list[Finding]]


def reconcilers() -> list[Check]:
    return [import_string(path) for path in settings.ATTUNE_RECONCILERS]


def _run_check(check: Check, *, now: datetime.datetime, fix: bool) -> list[Finding]:
    if fix:
        # No transaction around the whole check: each fix commits on its own (the services
        # are atomic), so one slow or failing item never holds back the others' work.
        return check(now, fix)
    # A dry run rolls back anything a read had as a side effect (e.g. a default gate
    # created on first use): it changes nothing at all.
    with transaction.atomic():
        findings = check(now, fix)
        transaction.set_rollback(True)
    return findings


def reconcile(*, now: datetime.datetime | None = None, fix: bool = True) -> ReconciliationRun:
    """Run every configured check and return the run: per check how many things it fixed
    (with `fix=False`: would fix), the first DETAILS_KEPT findings, and the checks that
    failed. A failing check is recorded in `errors` and the others still run. The run is
    saved, and runs older than RUNS_KEPT forgotten, only when it fixes: a dry run writes
    nothing."""
    now = now or timezone.now()
    run = ReconciliationRun(started_at=timezone.now(), fixed={}, details=[], errors=[])
    for check in reconcilers():
        name = check.__name__
        try:
            findings = _run_check(check, now=now, fix=fix)
        except Exception as error:
            log.exception("reconciliation check %s failed", name)
            run.errors.append({"check": name, "error": f"{type(error).__name__}: {error}"})
            continue
        run.fixed[name] = len(findings)
        room = DETAILS_KEPT - len(run.details)
        run.details.extend(asdict(finding) for finding in findings[: max(room, 0)])
        for finding in findings:
            log.info("reconciliation %s: %s: %s", name, finding.object, finding.action)
    run.finished_at = timezone.now()
    if fix:
        run.save()
        ReconciliationRun.objects.filter(started_at__lt=run.started_at - RUNS_KEPT).delete()
    log.info(
        "reconciliation %s: %s %s, %d check(s) failed",
        "run" if fix else "dry run",
        "fixed" if fix else "would fix",
        run.fixed,
        len(run.errors),
    )
    return run


def report_lines(run: ReconciliationRun, *, dry_run: bool = False) -> list[str]:
    """The run as text, for the command and the logs: per check its count and details."""
    verb = "would fix" if dry_run else "fixed"
    title = "Reconciliation (dry run)" if dry_run else "Reconciliation"
    lines = [f"{title} at {run.started_at:%Y-%m-%d %H:%M:%S} UTC"]
    for name, count in run.fixed.items():
        lines.append(f"{name}: {verb} {count}")
        lines.extend(
            f"  - {detail['object']}: {detail['action']}"
            for detail in run.details
            if detail["check"] == name
        )
    for error in run.errors:
        lines.append(f"{error['check']}: FAILED ({error['error']})")
    kept = len(run.details)
    if kept < run.fixed_total:
        lines.append(f"({run.fixed_total - kept} more not listed)")
    return lines
