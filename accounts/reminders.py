"""Reminders, exactly once: who gets what is decided by resolvers, the sweep writes one
outbox row per reminder, and delivery sends each row once.

- Resolvers (named in settings.ATTUNE_REMINDER_RESOLVERS, one per app that has something to
  remind people of) return what is due at a moment, in a fixed number of queries.
- The sweep writes an Outbox row per (recipient, kind, object, slot) behind a unique
  constraint, ignoring conflicts, so reruns, overlapping sweeps and a second beat add
  nothing, then hands deliverable rows to tasks in batches. A resolver answers either
  `Due` items (one per reminder, a few at a time) or a `DueSet` (a query naming everyone
  reminded of the same objects at the same time, such as a workshop's room): a set is
  written with one INSERT ... SELECT, so its recipients are never loaded into Python.
- Delivery claims a row with a conditional UPDATE (only one worker can), sends the e-mail
  and creates the in-app notification, then marks the row sent. A failure is recorded with
  the time of the next attempt (exponential backoff); the row is never marked sent.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.links import public_base, public_url
from accounts.models import (
    NOT_OPTIONAL_KINDS,
    Notification,
    Outbox,
    ReminderKind,
    ReminderOptOut,
    ReminderSwitch,
    User,
)
from config.db import connection_lost

logger = logging.getLogger(__name__)

DELIVERY_BATCH = 100
MAX_ATTEMPTS = 6
UNSUBSCRIBE_SALT = "attune.reminders.unsubscribe"


@dataclass(frozen=True)
class Due:
    """A reminder a resolver found due: to whom, of what kind, about what, when."""

    recipient_id: int
    recipient_tz: str
    kind: str
    object_type: str
    object_id: int
    slot: str
    send_at: datetime.datetime
    expires_at: datetime.datetime | None = None  # pointless after this (the session began)
    context: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class DueObject:
    """One object of a DueSet: everyone in the set is reminded of it at `send_at`."""

    object_id: int
    slot: str
    send_at: datetime.datetime
    expires_at: datetime.datetime | None
    context: Callable[[str], dict]  # the rendering context for a recipient's time zone


@dataclass(frozen=True, eq=False)
class DueSet:
    """Reminders of one kind for every row of `recipients`, a queryset annotated with
    `recipient_id`, `recipient_tz` and `object_id` (one of `objects`)."""

    kind: str
    object_type: str
    recipients: QuerySet
    objects: list[DueObject]

    def expand(self) -> list[Due]:
        """The same reminders one by one (for a dry run or a replay, not the sweep)."""
        objects = {obj.object_id: obj for obj in self.objects}
        rows = self.recipients.order_by().values_list("recipient_id", "recipient_tz", "object_id")
        return [
            Due(
                recipient_id=recipient_id,
                recipient_tz=zone,
                kind=self.kind,
                object_type=self.object_type,
                object_id=object_id,
                slot=objects[object_id].slot,
                send_at=objects[object_id].send_at,
                expires_at=objects[object_id].expires_at,
                context=objects[object_id].context(zone),
            )
            for recipient_id, zone, object_id in rows
        ]


# --- Quiet hours ---------------------------------------------------------------------------


def quiet_hours() -> tuple[datetime.time, datetime.time]:
    return (
        datetime.time.fromisoformat(settings.ATTUNE_QUIET_HOURS_START),
        datetime.time.fromisoformat(settings.ATTUNE_QUIET_HOURS_END),
    )


def after_quiet_hours(moment: datetime.datetime, time_zone: str) -> datetime.datetime:
    """`moment`, or the end of the recipient's quiet hours if it falls inside them.

    Computed on the local calendar and converted back, so the morning is 08:00 local on
    either side of a DST change.
    """
    zone = ZoneInfo(time_zone or "UTC")
    local = moment.astimezone(zone)
    start, end = quiet_hours()
    wall = local.time()
    overnight = start > end
    in_quiet = (wall >= start or wall < end) if overnight else (start <= wall < end)
    if not in_quiet:
        return moment
    day = local.date()
    if overnight and wall >= start:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, tzinfo=zone).astimezone(datetime.UTC)


# --- Sweep ---------------------------------------------------------------------------------


@dataclass
class SweepResult:
    due: list  # what the resolvers answered: Due items, and DueSets standing for many rows
    created: int = 0
    enqueued_batches: int = 0


def resolvers():
    return [import_string(path) for path in settings.ATTUNE_REMINDER_RESOLVERS]


def _switches() -> dict[str, ReminderSwitch]:
    return {switch.kind: switch for switch in ReminderSwitch.objects.all()}


def _resolve(*, now: datetime.datetime, sources=None) -> list[Due | DueSet]:
    """What the resolvers find due at `now`, without switched-off kinds and opt-outs (a
    set's opt-outs are left to its INSERT; loose items' are read once, if there are any)."""
    switches = _switches()
    kinds = {
        kind
        for kind in ReminderKind.values
        if kind not in switches or switches[kind].enqueue_enabled
    }
    sources = resolvers() if sources is None else sources
    found = [item for resolve in sources for item in resolve(now=now, kinds=kinds)]
    sets = [
        DueSet(
            kind=item.kind,
            object_type=item.object_type,
            recipients=item.recipients.exclude(
                Exists(
                    ReminderOptOut.objects.filter(user_id=OuterRef("recipient_id"), kind=item.kind)
                )
            ),
            objects=item.objects,
        )
        for item in found
        if isinstance(item, DueSet)
    ]
    items = [item for item in found if isinstance(item, Due)]
    if items:
        opted_out = set(
            ReminderOptOut.objects.filter(kind__in={item.kind for item in items}).values_list(
                "user_id", "kind"
            )
        )
        items = [item for item in items if (item.recipient_id, item.kind) not in opted_out]
    return [*items, *sets]


def due_reminders(*, now: datetime.datetime, sources=None) -> list[Due]:
    """Everything due at `now` that nobody switched off, one item per reminder.

    `sources` are resolvers to ask instead of the settings' (an app's own sweep, such as
    the overdue reviews', still honours the switches and opt-outs). The sweep itself writes
    sets without loading them (`reminders_sweep`); this is for a replay or a dry run."""
    due: list[Due] = []
    for item in _resolve(now=now, sources=sources):
        due += item.expand() if isinstance(item, DueSet) else [item]
    return due


def outbox_write(*, due: list[Due | DueSet], now: datetime.datetime) -> int:
    """Write one row per reminder; rows that exist already are left alone. Returns how
    many rows the call tried to add (for a set, how many it added).

    A reminder found late (the sweep did not run for a while) is still held to quiet
    hours from `now`, so a late sweep never wakes anyone at night."""
    rows = []
    # A room shares a few (time, zone) pairs: work each out once per write. (A cache that
    # outlived the call would also outlive a change of the quiet-hours settings.)
    mornings: dict[tuple, datetime.datetime] = {}

    def morning(send_at, zone):
        key = (max(send_at, now), zone)
        if key not in mornings:
            mornings[key] = after_quiet_hours(*key)
        return mornings[key]

    sets = [item for item in due if isinstance(item, DueSet)]
    for item in due:
        if isinstance(item, DueSet):
            continue
        deliver_after = morning(item.send_at, item.recipient_tz)
        if item.expires_at and deliver_after >= item.expires_at:
            continue  # the morning comes too late for it: better no reminder than a late one
        rows.append(
            Outbox(
                recipient_id=item.recipient_id,
                kind=item.kind,
                object_type=item.object_type,
                object_id=item.object_id,
                slot=item.slot,
                context=item.context,
                deliver_after=deliver_after,
            )
        )
    # No batch size: one INSERT on PostgreSQL however many rows (parameters are bound on the
    # client), as many rows as SQLite takes in one statement elsewhere.
    Outbox.objects.bulk_create(rows, ignore_conflicts=True)
    added = len(rows)
    if sets:
        # Quiet hours depend only on the time and the zone: one answer per zone in use.
        zones = list(User.objects.order_by().values_list("time_zone", flat=True).distinct())
        added += sum(_outbox_insert_set(item, zones=zones, morning=morning) for item in sets)
    return added


def _outbox_insert_set(due: DueSet, *, zones: list[str], morning) -> int:
    """INSERT ... SELECT the rows of one set; each (object, zone) gets its quiet-hours
    morning and its context as constants in the statement."""
    deliver_after, context = [], []
    for obj in due.objects:
        for zone in zones:
            moment = morning(obj.send_at, zone)
            if obj.expires_at and moment >= obj.expires_at:
                continue  # too late for this zone: no row (the CASE gives NULL, filtered out)
            where = Q(object_id=obj.object_id, recipient_tz=zone)
            deliver_after.append(When(where, then=Value(moment)))
            context.append(When(where, then=Value(obj.context(zone), output_field=JSONField())))
    if not deliver_after:
        return 0
    slots = [When(object_id=obj.object_id, then=Value(obj.slot)) for obj in due.objects]
    columns = {
        "recipient_id": F("recipient_id"),
        "kind": Value(due.kind),
        "object_type": Value(due.object_type),
        "object_id": F("object_id"),
        "slot": Case(*slots, output_field=CharField()),
        "context": Case(*context, output_field=JSONField()),
        "deliver_after": Case(*deliver_after, output_field=DateTimeField()),
        "status": Value(Outbox.Status.PENDING),
        "attempts": Value(0),
        "last_error": Value(""),
        "created_at": Value(timezone.now()),
    }
    select = (
        due.recipients.order_by()
        .annotate(**{f"outbox_{name}": value for name, value in columns.items()})
        .filter(outbox_deliver_after__isnull=False)
        .values_list(*(f"outbox_{name}" for name in columns))
    )
    sql, params = select.query.sql_with_params()
    names = ", ".join(Outbox._meta.get_field(name).column for name in columns)
    # "WHERE true" tells SQLite's parser that ON CONFLICT is the upsert clause, not a join's.
    statement = (
        f"INSERT INTO {Outbox._meta.db_table} ({names}) "
        f"SELECT * FROM ({sql}) AS due WHERE true ON CONFLICT DO NOTHING"
    )
    with connections[Outbox.objects.db].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def deliverable_ids(*, now: datetime.datetime) -> list[int]:
    """Rows to hand to workers: waiting ones whose time came, failed ones due a retry, and
    ones stuck "sending" longer than the lease (their worker died)."""
    paused = ReminderSwitch.objects.filter(deliver_enabled=False).values("kind")
    lease = now - datetime.timedelta(seconds=settings.ATTUNE_DELIVERY_LEASE_SECONDS)
    ready = Q(status__in=[Outbox.Status.PENDING, Outbox.Status.FAILED], deliver_after__lte=now)
    stuck = Q(status=Outbox.Status.SENDING, claimed_at__lt=lease)
    return list(
        Outbox.objects.filter(ready | stuck)
        .exclude(kind__in=paused)
        .order_by("deliver_after", "id")
        .values_list("pk", flat=True)
    )


def reminders_sweep(*, now: datetime.datetime | None = None, enqueue=True) -> SweepResult:
    """Find what is due, write the outbox, and queue delivery in bounded batches. Takes
    the same number of queries however many people are due (sets are written in SQL)."""
    now = now or timezone.now()
    result = SweepResult(due=_resolve(now=now))
    result.created = outbox_write(due=result.due, now=now)
    if enqueue:
        result.enqueued_batches = deliveries_enqueue(now=now)
    return result


def deliveries_enqueue(*, now: datetime.datetime) -> int:
    """Queue every deliverable row for the workers in batches; returns how many batches."""
    from accounts.tasks import outbox_deliver_batch

    ids = deliverable_ids(now=now)
    batches = range(0, len(ids), DELIVERY_BATCH)
    for start in batches:
        outbox_deliver_batch.delay(ids[start : start + DELIVERY_BATCH])
    return len(batches)


# --- Delivery ------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """A signed, timestamped token naming one person and one kind of reminder."""
    return _signer().sign_object({"u": user_id, "k": kind}, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """(user id, kind) of a token. Raises signing.SignatureExpired once it is older than
    ATTUNE_UNSUBSCRIBE_LINK_DAYS, signing.BadSignature when it was tampered with."""
    max_age = datetime.timedelta(days=settings.ATTUNE_UNSUBSCRIBE_LINK_DAYS)
    data = _signer().unsign_object(token, max_age=max_age)
    kind = str(data["k"])
    if kind not in ReminderKind.values or kind in NOT_OPTIONAL_KINDS:
        raise signing.BadSignature("unknown kind")
    return int(data["u"]), kind


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    return public_url("reminder-unsubscribe", unsubscribe_token(user_id=user_id, kind=kind))


def unsubscribe(*, token: str) -> tuple[int, str]:
    """Turn off the kind named in a signed link; idempotent. Raises signing.BadSignature."""
    user_id, kind = unsubscribe_token_read(token)
    ReminderOptOut.objects.get_or_create(user_id=user_id, kind=kind)
    return user_id, kind


def _claim(outbox_id: int, now) -> Outbox | None:
    lease = now - datetime.timedelta(seconds=settings.ATTUNE_DELIVERY_LEASE_SECONDS)
    claimable = Q(status__in=[Outbox.Status.PENDING, Outbox.Status.FAILED]) | Q(
        status=Outbox.Status.SENDING, claimed_at__lt=lease
    )
    claimed = (
        Outbox.objects.filter(claimable, pk=outbox_id, deliver_after__lte=now)
        .exclude(kind__in=ReminderSwitch.objects.filter(deliver_enabled=False).values("kind"))
        .update(status=Outbox.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return None
    return Outbox.objects.select_related("recipient").get(pk=outbox_id)


def _render(row: Outbox) -> dict:
    extra = import_string(row.context["enrich"])(row.context) if "enrich" in row.context else {}
    context = {
        **row.context,
        **extra,
        "recipient": row.recipient,
        "kind": row.kind,
        "unsubscribe_url": unsubscribe_url(user_id=row.recipient_id, kind=row.kind),
        "base_url": public_base(),
    }
    return {
        "subject": render_to_string(f"reminders/{row.kind}.subject.txt", context).strip(),
        "text": render_to_string(f"reminders/{row.kind}.txt", context),
        "html": render_to_string(f"reminders/{row.kind}.html", context),
        "url": context.get("url", ""),
        "ics": context.get("ics", ""),
        "unsubscribe_url": context["unsubscribe_url"],
    }


def outbox_message_id(outbox_id: int) -> str:
    """The e-mail Message-ID of one outbox row, deterministic (RFC 5322 msg-id)."""
    domain = urlsplit(settings.ATTUNE_PUBLIC_BASE_URL).hostname or "attune.invalid"
    return f"<outbox-{outbox_id}@{domain}>"


def _email(row: Outbox, rendered: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered["subject"], body=rendered["text"], to=[row.recipient.email]
    )
    message.attach_alternative(rendered["html"], "text/html")
    # The same Message-ID on every attempt for this row: if a crash between sending and
    # marking it sent makes us send it again, mail servers and clients see one message.
    message.extra_headers["Message-ID"] = outbox_message_id(row.pk)
    if row.kind not in NOT_OPTIONAL_KINDS:
        # The same signed (timestamped) link as in the body.
        message.extra_headers["List-Unsubscribe"] = f"<{rendered['unsubscribe_url']}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if ics := rendered.get("ics"):
        message.attach("session.ics", ics, "text/calendar; method=PUBLISH")
    return message


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff: 1, 2, 4, 8... minutes, at most 2 hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def outbox_deliver(*, outbox_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one reminder if it is still due and nobody else is sending it.

    Returns True when this call sent it. Safe to call any number of times for the same
    row: only the call that claims it sends, and a sent row is never claimed again.

    Claim, in-app notification, e-mail and "sent" mark are separate short steps, none held
    open across the SMTP conversation. The notification is unique per row, so it is made
    exactly once whatever happens; the e-mail goes out twice only if the process dies (or
    loses the database) after the mail server took it and before the mark is written, and
    then it carries the same Message-ID (docs/reliability.md).
    """
    now = now or timezone.now()
    row = _claim(outbox_id, now)
    if row is None:
        return False
    rendered = _render(row)
    try:
        Notification.objects.get_or_create(
            outbox=row,
            defaults={
                "user_id": row.recipient_id,
                "kind": row.kind,
                "title": rendered["subject"],
                "body": rendered["text"].split("\n\n")[0],
                "url": rendered["url"],
            },
        )
        _email(row, rendered).send()
    except Exception as error:
        if connection_lost(error):
            # The session was cut before the e-mail left: no fault of the message, so not a
            # failure with a backoff. The row stays claimed and the lease hands it back.
            # (Recording a failure would even succeed when the cut came inside
            # get_or_create's transaction: Django reconnects after one it cannot roll back.)
            raise
        logger.warning("Reminder %s failed (attempt %s): %s", row.pk, row.attempts, error)
        give_up = row.attempts >= MAX_ATTEMPTS
        Outbox.objects.filter(pk=row.pk).update(
            status=Outbox.Status.DEAD if give_up else Outbox.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            deliver_after=now + retry_delay(row.attempts),
        )
        raise
    Outbox.objects.filter(pk=row.pk).update(
        status=Outbox.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
