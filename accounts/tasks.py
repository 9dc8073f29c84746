"""Reminder tasks: thin interfaces that take ids and call one service."""

import logging

from celery import shared_task

from accounts import reminders
from config.db import connection_lost, connections_drop

logger = logging.getLogger(__name__)

# How many times a row is tried again on a new connection when the database connection
# was lost during its delivery, so that one dropped connection does not fail the rest of
# the batch. Once: a database that keeps dropping (or refusing) connections is for a later
# sweep to retry, not for every row to wait out the connect timeout again and again.
RECONNECT_ATTEMPTS = 1


@shared_task
def reminders_sweep_task() -> dict:
    """Started by beat every few minutes: write what is due, queue its delivery."""
    result = reminders.reminders_sweep()
    return {"due": len(result.due), "written": result.created, "batches": result.enqueued_batches}


@shared_task
def outbox_deliver_batch(outbox_ids: list[int]) -> int:
    """Deliver a bounded batch. A failing row is recorded on the row (with its retry time,
    picked up by a later sweep) and does not stop the others; nor does a lost connection,
    which is replaced before the row is tried again."""
    return sum(_deliver(outbox_id) for outbox_id in outbox_ids)


def _deliver(outbox_id: int) -> bool:
    for attempt in range(1, RECONNECT_ATTEMPTS + 2):
        try:
            return reminders.outbox_deliver(outbox_id=outbox_id)
        except Exception as error:
            if not connection_lost(error):
                logger.exception("Delivery of reminder %s failed; it will be retried", outbox_id)
                return False
            # A row whose attempt was cut after its claim stays claimed: trying it again
            # here finds it taken, and the lease hands it back to a later sweep.
            connections_drop()
            logger.warning(
                "Database connection lost delivering reminder %s (attempt %s): %s",
                outbox_id,
                attempt,
                error,
            )
    return False
