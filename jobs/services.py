"""Durable task intents: work a change asks for is written with the change, published to
Celery after the commit, and published again until its task has finished.

- `intent_record` writes a TaskIntent in the caller's transaction and publishes it once that
  transaction commits. If it rolls back, the intent is gone with the change.
- Publishing never makes a request wait on the broker or fail because of it: a short
  connect timeout, no publish retries, and after a failure the process stops trying for
  `ATTUNE_BROKER_BACKOFF_SECONDS`, leaving intents to the relay.
- `intents_republish` (beat, every minute) publishes intents that were never published or
  whose task did not finish in time, with a conditional UPDATE per intent so that two relays
  never both publish the same one. Tasks are idempotent, so a second publication of work
  that did in fact happen is harmless.
"""

import datetime
import logging
import time

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from kombu.exceptions import KombuError

from jobs.models import TaskIntent

logger = logging.getLogger(__name__)

# Errors that mean "the broker did not take the message": the intent waits for the relay.
BROKER_ERRORS = (KombuError, OSError, TimeoutError)
# How many intents one relay run publishes at most; the next run goes on.
RELAY_BATCH = 500
# After this many publications an intent is given up (and shown as such in the admin).
MAX_PUBLICATIONS = 10
# An intent younger than this is left to the publication its own commit started.
PUBLISH_GRACE = datetime.timedelta(seconds=30)
# Finished intents are kept this long for inspection, then deleted by the relay.
KEEP_FINISHED = datetime.timedelta(days=7)

# Process-wide: until when publishing is not even tried (monotonic clock).
_broker_backoff_until = 0.0


def broker_backing_off() -> bool:
    return time.monotonic() < _broker_backoff_until


def _broker_failed() -> None:
    global _broker_backoff_until
    _broker_backoff_until = time.monotonic() + settings.ATTUNE_BROKER_BACKOFF_SECONDS


def broker_backoff_reset() -> None:
    """Try the broker again at the next publication (tests; the relay after a success)."""
    global _broker_backoff_until
    _broker_backoff_until = 0.0


def intent_record(*, task, args: list | tuple = (), kwargs: dict | None = None) -> TaskIntent:
    """Record that `task(*args, **kwargs)` must run because of the change being made now.

    Call it inside the transaction that makes the change: the intent commits or rolls back
    with it. It is published when that transaction commits; should publishing fail (or the
    process die first), the relay publishes it within a few minutes.
    """
    intent = TaskIntent.objects.create(task=task.name, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: intent_publish(intent=intent, task=task))
    return intent


def _claim(intent: TaskIntent, now: datetime.datetime) -> bool:
    """Take the right to publish `intent` now: only one caller wins for each state."""
    claimed = (
        TaskIntent.objects.filter(
            pk=intent.pk, state=intent.state, publish_count=intent.publish_count
        )
        .exclude(state__in=[TaskIntent.State.DONE, TaskIntent.State.DEAD])
        .update(
            state=TaskIntent.State.PUBLISHED,
            published_at=now,
            publish_count=F("publish_count") + 1,
        )
    )
    return claimed == 1


def intent_publish(*, intent: TaskIntent, task=None, now: datetime.datetime | None = None) -> bool:
    """Hand `intent` to Celery once. Returns True when the broker took it.

    On a broker error the intent goes back to "pending" with the error noted, and this
    process leaves the broker alone for a while; nothing is raised to the caller. Errors of
    the task itself (when tasks run in process) are not the broker's and propagate.
    """
    if broker_backing_off():
        return False
    now = now or timezone.now()
    if not _claim(intent, now):
        return False
    task = task or current_app.tasks[intent.task]
    try:
        task.apply_async(
            args=intent.args,
            kwargs=intent.kwargs,
            task_id=f"intent-{intent.pk}-{intent.uuid}",
            retry=False,
        )
    except BROKER_ERRORS as error:
        _broker_failed()
        TaskIntent.objects.filter(pk=intent.pk, state=TaskIntent.State.PUBLISHED).update(
            state=TaskIntent.State.PENDING,
            published_at=None,
            publish_count=F("publish_count") - 1,  # counts what the broker took
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("Broker refused %s; the relay will publish it: %s", intent, error)
        return False
    return True


def _registered_tasks() -> dict:
    # Task modules are imported on a worker's start; a web process or a command may not
    # have imported them yet. Autodiscovery imports each app's `tasks` module and nothing
    # else: the loader's import_default_modules() would also run django.setup() again,
    # which in a worker replaces Celery's logging with the settings' (the worker's log went
    # silent after the relay's first run).
    current_app.autodiscover_tasks(force=True)
    return current_app.tasks


def intents_republish(*, now: datetime.datetime | None = None) -> dict:
    """Publish what was never published or never finished; give up after
    MAX_PUBLICATIONS; forget finished intents after KEEP_FINISHED. Returns counts."""
    now = now or timezone.now()
    stalled_before = now - datetime.timedelta(seconds=settings.ATTUNE_INTENT_STALL_SECONDS)
    overdue = TaskIntent.objects.filter(
        Q(state=TaskIntent.State.PENDING, created_at__lt=now - PUBLISH_GRACE)
        | Q(state=TaskIntent.State.PUBLISHED, published_at__lt=stalled_before)
    ).order_by("created_at", "id")
    given_up = (
        overdue.filter(publish_count__gte=MAX_PUBLICATIONS)
        .order_by()
        .update(state=TaskIntent.State.DEAD, finished_at=now)
    )
    if given_up:
        logger.error("%s task intents given up after %s publications", given_up, MAX_PUBLICATIONS)
    broker_backoff_reset()  # the relay runs because a broker delivered it: try again
    tasks = _registered_tasks()
    published = failed = 0
    for intent in overdue[:RELAY_BATCH]:
        if intent.task not in tasks:
            TaskIntent.objects.filter(pk=intent.pk).update(
                state=TaskIntent.State.DEAD, finished_at=now, last_error="unknown task"
            )
            continue
        if intent_publish(intent=intent, task=tasks[intent.task], now=now):
            published += 1
        elif broker_backing_off():
            failed += 1
            break  # the broker is down: the next run tries again
    forgotten, _ = TaskIntent.objects.filter(
        state=TaskIntent.State.DONE, finished_at__lt=now - KEEP_FINISHED
    ).delete()
    return {"published": published, "failed": failed, "given_up": given_up, "forgotten": forgotten}


def intents_summary() -> dict:
    """How many intents are in each state (for the admin and operators)."""
    counts = dict(TaskIntent.objects.order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in TaskIntent.State.values}
