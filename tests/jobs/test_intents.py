"""Task intents: work a change asks for is recorded with it, published after the commit,
and published again by the relay until its task finished. Tasks run in process here."""

import datetime
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery_app import app
from jobs import services
from jobs.models import TaskIntent

pytestmark = pytest.mark.django_db

ping = app.tasks["attune.ping"]


def test_an_intent_is_published_after_the_commit_and_marked_done_when_its_task_succeeds(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        intent = services.intent_record(task=ping)
        assert TaskIntent.objects.get().state == "pending"  # nothing published before commit

    intent.refresh_from_db()
    assert len(callbacks) == 1
    assert (intent.state, intent.publish_count) == ("done", 1)
    assert intent.published_at is not None
    assert intent.finished_at is not None


def test_an_intent_rolls_back_with_the_change_that_asked_for_it(
    django_capture_on_commit_callbacks,
):
    def change_that_fails():
        with transaction.atomic():
            services.intent_record(task=ping)
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()

    assert callbacks == []
    assert not TaskIntent.objects.exists()


def test_a_broker_that_is_down_leaves_the_intent_waiting_without_an_error(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = services.intent_record(task=ping, args=[])

    intent.refresh_from_db()
    assert (intent.state, intent.published_at) == ("pending", None)
    assert intent.last_error.startswith("OperationalError: Error 111")
    assert services.broker_backing_off()


def test_while_backing_off_a_process_does_not_even_try_the_broker(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.intent_record(task=ping)
        services.intent_record(task=ping)
        services.intent_record(task=ping)

    assert broker_down == ["attune.ping"]  # one attempt, then the backoff
    assert TaskIntent.objects.filter(state="pending").count() == 3


def test_the_relay_publishes_what_waited_once_the_broker_is_back(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        intent = services.intent_record(task=ping)
    monkeypatch.undo()  # the broker is back
    later = intent.created_at + services.PUBLISH_GRACE + datetime.timedelta(seconds=1)

    result = services.intents_republish(now=later)

    intent.refresh_from_db()
    assert result["published"] == 1
    assert (intent.state, intent.publish_count) == ("done", 1)


def test_the_relay_leaves_a_fresh_intent_to_its_own_publication():
    intent = TaskIntent.objects.create(task=ping.name)

    result = services.intents_republish(now=intent.created_at + datetime.timedelta(seconds=5))

    intent.refresh_from_db()
    assert (result["published"], intent.state) == (0, "pending")


def test_the_relay_publishes_again_a_task_that_never_finished(settings):
    now = timezone.now()
    stalled = TaskIntent.objects.create(
        task=ping.name,
        state="published",
        publish_count=1,
        published_at=now - datetime.timedelta(seconds=settings.ATTUNE_INTENT_STALL_SECONDS + 1),
    )
    running = TaskIntent.objects.create(
        task=ping.name, state="published", publish_count=1, published_at=now
    )
    done = TaskIntent.objects.create(
        task=ping.name, state="done", publish_count=1, published_at=now - datetime.timedelta(1)
    )

    assert services.intents_republish(now=now)["published"] == 1

    stalled.refresh_from_db()
    running.refresh_from_db()
    done.refresh_from_db()
    assert (stalled.state, stalled.publish_count) == ("done", 2)
    assert (running.state, running.publish_count) == ("published", 1)
    assert done.publish_count == 1


def test_two_relays_never_publish_the_same_intent_twice(monkeypatch):
    published = []
    monkeypatch.setattr(
        "celery.app.task.Task.apply_async", lambda self, **kw: published.append(kw["task_id"])
    )
    intent = TaskIntent.objects.create(task=ping.name)
    seen_by_first, seen_by_second = (TaskIntent.objects.get(pk=intent.pk) for _ in range(2))

    first = services.intent_publish(intent=seen_by_first)
    second = services.intent_publish(intent=seen_by_second)

    assert (first, second) == (True, False)
    assert published == [f"intent-{intent.pk}-{intent.uuid}"]


def test_an_intent_is_given_up_after_too_many_publications():
    now = timezone.now()
    hopeless = TaskIntent.objects.create(
        task=ping.name,
        state="published",
        publish_count=services.MAX_PUBLICATIONS,
        published_at=now - datetime.timedelta(days=1),
    )

    result = services.intents_republish(now=now)

    hopeless.refresh_from_db()
    assert (result["given_up"], hopeless.state) == (1, "dead")


def test_an_intent_for_a_task_nobody_knows_is_given_up_with_the_reason():
    ghost = TaskIntent.objects.create(
        task="gone.tasks.removed_task", created_at=timezone.now() - datetime.timedelta(hours=1)
    )

    services.intents_republish()

    ghost.refresh_from_db()
    assert (ghost.state, ghost.last_error) == ("dead", "unknown task")


def test_finished_intents_are_forgotten_after_a_week():
    now = timezone.now()
    long_ago = now - services.KEEP_FINISHED - datetime.timedelta(days=1)
    old = TaskIntent.objects.create(task=ping.name, state="done", finished_at=long_ago)
    recent = TaskIntent.objects.create(task=ping.name, state="done", finished_at=now)

    assert services.intents_republish(now=now)["forgotten"] == 1

    assert list(TaskIntent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_a_failing_task_keeps_its_intent_published_with_the_error(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    from accounts import tasks

    def explode(outbox_ids):
        raise ValueError("the outbox row is broken")

    monkeypatch.setattr(tasks.outbox_deliver_batch, "run", explode)
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    app.conf.task_eager_propagates = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            intent = services.intent_record(task=tasks.outbox_deliver_batch, args=[[1]])
    finally:
        app.conf.task_eager_propagates = True

    intent.refresh_from_db()
    assert intent.state == "published"
    assert intent.last_error == "ValueError: the outbox row is broken"


def test_the_relay_leaves_the_process_logging_as_it_found_it():
    # In a worker the relay once ran django.setup() again (through the Celery loader), and
    # the settings' logging replaced Celery's: the worker logged nothing more.
    root = logging.getLogger()
    handlers = list(root.handlers)
    intent = TaskIntent.objects.create(
        task=ping.name, created_at=timezone.now() - datetime.timedelta(hours=1)
    )

    result = services.intents_republish()

    assert result["published"] == 1  # the relay did its work, with every task known
    intent.refresh_from_db()
    assert intent.state == "done"
    assert root.handlers == handlers
    assert all(a is b for a, b in zip(root.handlers, handlers, strict=True))
