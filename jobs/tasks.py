"""Beat's tasks for durable work: thin interfaces over one service each."""

from celery import shared_task


@shared_task
def intents_relay_task() -> dict:
    """Every minute: publish intents that were never published, or whose task never
    finished, again; forget finished ones after a week."""
    from jobs import services

    return services.intents_republish()


@shared_task
def reconcile_task() -> dict:
    """Every 15 minutes: find state that should have produced work and did not, fix it,
    and record what was fixed."""
    from jobs import reconciliation

    return reconciliation.reconcile().fixed
