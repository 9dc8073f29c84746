"""The monthly pulse invitation, through the reminder outbox (accounts/reminders.py).

Every active agent is invited once a month (slot "YYYY-MM"), from the first of the month,
in the morning of their own time zone (quiet hours); an agent who has answered this month
or already has the month's invitation is left out, so each hourly run adds only newcomers.
It runs on its own beat entry (not in the five-minute sweep), honours the switches and
opt-outs like every reminder, and the sweep delivers the rows."""

import datetime
from functools import partial

from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone

from accounts.links import public_url
from accounts.models import Outbox, ReminderKind, User
from accounts.reminders import DueObject, DueSet, due_reminders, outbox_write
from wellbeing.models import PulseResponse

OBJECT_TYPE = "pulse_month"


def _month_id(month: datetime.date) -> int:
    return month.year * 100 + month.month  # 202612: the month as the reminder's object


def _context(zone: str) -> dict:
    return {"url": public_url("web:pulse"), "support_url": public_url("web:support")}


def resolve(*, now: datetime.datetime, kinds) -> list[DueSet]:
    if ReminderKind.WELLBEING_PULSE not in kinds:
        return []
    # The month as UTC sees it; an agent east of UTC on the 1st is invited on the 1st UTC,
    # still in their morning thanks to quiet hours.
    month = now.date().replace(day=1)
    object_id = _month_id(month)
    invited = Outbox.objects.filter(
        recipient_id=OuterRef("pk"),
        kind=ReminderKind.WELLBEING_PULSE,
        object_type=OBJECT_TYPE,
        object_id=object_id,
    )
    answered = PulseResponse.objects.filter(respondent=OuterRef("pk"), month=month)
    recipients = (
        User.objects.filter(role=User.Role.AGENT, is_active=True)
        .exclude(Exists(invited))
        .exclude(Exists(answered))
        .annotate(recipient_id=F("pk"), recipient_tz=F("time_zone"), object_id=Value(object_id))
    )
    send_at = datetime.datetime.combine(month, datetime.time(), tzinfo=datetime.UTC)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    expires_at = datetime.datetime.combine(next_month, datetime.time(), tzinfo=datetime.UTC)
    return [
        DueSet(
            kind=ReminderKind.WELLBEING_PULSE,
            object_type=OBJECT_TYPE,
            recipients=recipients,
            objects=[
                DueObject(
                    object_id=object_id,
                    slot=month.strftime("%Y-%m"),
                    send_at=send_at,
                    expires_at=expires_at,
                    context=partial(_context),
                )
            ],
        )
    ]


def pulse_invitations_queue(*, now: datetime.datetime | None = None) -> int:
    """Write this month's invitations not yet written; rerunning writes nothing new."""
    now = now or timezone.now()
    return outbox_write(due=due_reminders(now=now, sources=[resolve]), now=now)
