"""Mark an intent finished when its task succeeds, and note why when it fails.

Only publications of intents carry an id of the form `intent-<pk>-<uuid>`; every other task
costs nothing here."""

from celery import signals
from django.utils import timezone

PREFIX = "intent-"


def _intent_pk(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(PREFIX):
        return None
    pk = task_id[len(PREFIX) :].split("-", 1)[0]
    return int(pk) if pk.isdigit() else None


@signals.task_success.connect
def intent_finished(sender=None, **kwargs) -> None:
    from jobs.models import TaskIntent

    pk = _intent_pk(getattr(sender.request, "id", None))
    if pk is not None:
        TaskIntent.objects.filter(pk=pk).exclude(state=TaskIntent.State.DONE).update(
            state=TaskIntent.State.DONE, finished_at=timezone.now(), last_error=""
        )


@signals.task_failure.connect
def intent_failed(sender=None, task_id=None, exception=None, **kwargs) -> None:
    from jobs.models import TaskIntent

    pk = _intent_pk(task_id)
    if pk is not None:
        # It stays "published": the sweep publishes it again once it is overdue.
        TaskIntent.objects.filter(pk=pk).update(
            last_error=f"{type(exception).__name__}: {exception}"[:2000]
        )
