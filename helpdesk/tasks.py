"""Helpdesk tasks: thin interfaces that take ids and call one service."""

from celery import shared_task

from helpdesk import macro_push, services


@shared_task
def helpdesk_source_sync_task(source_id: int) -> int:
    """One run of one Zendesk source; returns the pages it applied."""
    return services.source_sync(source_id=source_id).pages


@shared_task
def helpdesk_sync_sweep_task() -> int:
    """Started by beat: a run for every enabled Zendesk source that is due."""
    return services.helpdesk_sync_sweep()


@shared_task
def helpdesk_macros_push_task(source_id: int, script_ids: list[int]) -> dict:
    """Push micro-scripts to a Zendesk source as macros; returns the push's report."""
    return macro_push.macros_push(source_id=source_id, script_ids=script_ids)
