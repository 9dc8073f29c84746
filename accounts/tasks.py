"""Reminder tasks: thin interfaces that take ids and call one service."""

import logging

from celery import shared_task

from accounts import reminders

logger = logging.getLogger(__name__)


@shared_task
def reminders_sweep_task() -> dict:
    """Started by beat every few minutes: write what is due, queue its delivery."""
    result = reminders.reminders_sweep()
    return {"due": len(result.due), "written": result.created, "batches": result.enqueued_batches}


@shared_task
def outbox_deliver_batch(outbox_ids: list[int]) -> int:
    """Deliver a bounded batch. A failing row is recorded on the row (with its retry time,
    picked up by a later sweep) and does not stop the others."""
    sent = 0
    for outbox_id in outbox_ids:
        try:
            sent += reminders.outbox_deliver(outbox_id=outbox_id)
        except Exception:
            logger.exception("Delivery of reminder %s failed; it will be retried", outbox_id)
    return sent
