"""Overdue reviews, reminded once through the outbox (see accounts/reminders.py).

`resolve` follows the resolvers' interface; `overdue_reminders_queue` asks only it, with
the switches and opt-outs every reminder honours, and writes the outbox. The reminders
sweep delivers the rows like any other.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.links import public_url
from accounts.models import Outbox, ReminderKind
from accounts.reminders import Due, due_reminders, outbox_write
from reviews.models import ReviewAssignment

OBJECT_TYPE = "reviewassignment"
# One reminder per assignment and reviewer: a review reassigned after its reminder went
# out reminds the new reviewer once.
SLOT = "overdue"
# Bounded work per run; an hourly run catches up on the rest.
BATCH = 500


def _context(assignment: ReviewAssignment) -> dict:
    zone = ZoneInfo(assignment.reviewer.time_zone or "UTC")
    return {
        "agent": str(assignment.agent),
        "cohort": assignment.plan.cohort.name,
        "due": assignment.due_at.astimezone(zone).strftime("%A %d %B, %H:%M (%Z)"),
        "url": public_url("web:review", assignment.pk),
    }


def resolve(*, now: datetime.datetime, kinds) -> list[Due]:
    """Reviews still to do past their due time, of active plans, not yet reminded."""
    if ReminderKind.REVIEW_OVERDUE not in kinds:
        return []
    reminded = Outbox.objects.filter(
        kind=ReminderKind.REVIEW_OVERDUE,
        object_type=OBJECT_TYPE,
        object_id=OuterRef("pk"),
        recipient_id=OuterRef("reviewer_id"),
    )
    overdue = (
        ReviewAssignment.objects.filter(
            status=ReviewAssignment.Status.ASSIGNED,
            due_at__lt=now,
            plan__active=True,
            reviewer__is_active=True,
        )
        .exclude(Exists(reminded))
        .select_related("reviewer", "agent", "plan__cohort")
        .order_by("due_at", "id")[:BATCH]
    )
    return [
        Due(
            recipient_id=assignment.reviewer_id,
            recipient_tz=assignment.reviewer.time_zone,
            kind=ReminderKind.REVIEW_OVERDUE,
            object_type=OBJECT_TYPE,
            object_id=assignment.pk,
            slot=SLOT,
            send_at=assignment.due_at,
            context=_context(assignment),
        )
        for assignment in overdue
    ]


def overdue_reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """Write one outbox row per overdue review and reviewer; rerunning writes nothing new.
    Returns how many rows the call tried to add."""
    now = now or timezone.now()
    return outbox_write(due=due_reminders(now=now, sources=[resolve]), now=now)
