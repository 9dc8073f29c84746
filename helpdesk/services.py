"""Helpdesk sources: set up, sync from Zendesk page by page, receive signed webhook rows.

Guarantees of a Zendesk sync (docs/helpdesk.md):
- A page's rows and the cursor that points past the page are written in ONE transaction.
  A crash anywhere before the commit leaves both as they were: the next run asks for the
  same page again. After the commit both are there: the next run asks for the next page.
  So a killed run loses nothing and writes nothing twice (and the upsert by (source,
  external id) would make a second write of a row an update anyway).
- One run per source at a time: a run takes a lease with a conditional UPDATE; and the
  page's transaction locks the source and checks the cursor is still the one the page was
  asked with, so even two runs (a lease that expired under a stalled worker) never both
  apply a page.
"""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, ReminderKind, ReminderSwitch
from cohorts.scope import managed_agents
from config.uploads import capped
from helpdesk import zendesk
from helpdesk.models import HelpdeskSource, WebhookDelivery
from helpdesk.rows import report_rejected, rows_csv
from insights.interaction_import import FIELDS, interaction_import

logger = logging.getLogger(__name__)

# Pages one run reads at most; a longer backlog goes on at the next beat (every few minutes).
PAGES_PER_RUN = 10
# A run's lease: longer than a task may run (CELERY_TASK_TIME_LIMIT), so leases never overlap.
LEASE = datetime.timedelta(minutes=6)
SIGNATURE_PREFIX = "sha256="


def _secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def source_create(*, owner, **fields) -> tuple[HelpdeskSource, str | None]:
    """A new source owned by `owner`; for a webhook source also its secret, returned once
    (it is stored encrypted, and never shown again)."""
    source = HelpdeskSource(owner=owner, **fields)
    secret = None
    if source.kind == HelpdeskSource.Kind.WEBHOOK:
        secret = source.webhook_secret = _secret()
    source.full_clean()
    source.save()
    return source, secret


@transaction.atomic
def source_update(*, source: HelpdeskSource, **fields) -> HelpdeskSource:
    """Change a source. Saving clears a stopped sync (the manager fixed the token, or wants
    another try) and any wait Zendesk asked for."""
    for name, value in fields.items():
        setattr(source, name, value)
    source.auth_failed_at = None
    source.retry_not_before = None
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def webhook_secret_rotate(*, source: HelpdeskSource) -> str:
    """A new secret for a webhook source, returned once; the old one stops working now."""
    if source.kind != HelpdeskSource.Kind.WEBHOOK:
        raise ValidationError("Only a webhook source has a secret.")
    source.webhook_secret = _secret()
    source.save(update_fields=["webhook_secret"])
    return source.webhook_secret


def source_sync_request(*, source: HelpdeskSource) -> None:
    """ "Sync now": recorded as a task intent with the request (published after commit, by
    the relay should the broker be down). Clears a stop so the run really tries."""
    from helpdesk.tasks import helpdesk_source_sync_task
    from jobs.services import intent_record

    if source.kind != HelpdeskSource.Kind.ZENDESK:
        raise ValidationError("Only a Zendesk source is synced; a webhook source is pushed to.")
    if not source.enabled:
        raise ValidationError("This source is turned off: turn it on to sync it.")
    with transaction.atomic():
        HelpdeskSource.objects.filter(pk=source.pk).update(
            auth_failed_at=None, retry_not_before=None
        )
        intent_record(task=helpdesk_source_sync_task, args=[source.pk])


# --- The Zendesk sync ---------------------------------------------------------------------


@dataclass
class SyncResult:
    ran: bool = False
    pages: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[dict] = field(default_factory=list)
    error: str = ""
    end_of_stream: bool = False

    def as_report(self) -> dict:
        return {
            "pages": self.pages,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": capped(self.rejected),
            "rejected_total": len(self.rejected),
            "end_of_stream": self.end_of_stream,
        }


def sources_due(*, now: datetime.datetime):
    """Enabled Zendesk sources the beat should sync now."""
    return HelpdeskSource.objects.filter(
        kind=HelpdeskSource.Kind.ZENDESK, enabled=True, auth_failed_at__isnull=True
    ).filter(
        Q(retry_not_before__isnull=True) | Q(retry_not_before__lte=now),
        Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lte=now),
    )


def helpdesk_sync_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat: enqueue a run for every source due; a lost enqueue is caught by the next sweep."""
    from helpdesk.tasks import helpdesk_source_sync_task

    ids = list(sources_due(now=now or timezone.now()).values_list("pk", flat=True))
    for source_id in ids:
        try:
            helpdesk_source_sync_task.delay(source_id)
        except Exception:  # the broker is down: the next sweep tries again
            logger.warning("Helpdesk source %s could not be queued", source_id)
    return len(ids)


def _lease_take(source_id: int, now: datetime.datetime) -> bool:
    return bool(
        HelpdeskSource.objects.filter(pk=source_id, kind=HelpdeskSource.Kind.ZENDESK, enabled=True)
        .filter(Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lte=now))
        .update(sync_lease_until=now + LEASE, last_sync_at=now)
    )


def source_sync(*, source_id: int) -> SyncResult:
    """Read the export from the stored cursor, up to PAGES_PER_RUN pages or the end of the
    stream, each page applied with its cursor in one transaction (see the module
    docstring). Failures are recorded on the source and end the run."""
    result = SyncResult()
    if not _lease_take(source_id, timezone.now()):
        return result
    result.ran = True
    try:
        _run(source_id, result)
    except Exception as error:  # a bug or a dead database: recorded, the page rolled back
        logger.exception("Helpdesk source %s: sync failed", source_id)
        result.error = f"The sync stopped on an internal error ({type(error).__name__})."
        _failure_record(source_id, result)
        raise
    finally:
        HelpdeskSource.objects.filter(pk=source_id).update(sync_lease_until=None)
    return result


def _run(source_id: int, result: SyncResult) -> None:
    source = HelpdeskSource.objects.get(pk=source_id)
    try:
        token = zendesk.token_read(source.token_env)
        while result.pages < PAGES_PER_RUN and not result.end_of_stream:
            source = HelpdeskSource.objects.get(pk=source_id)
            asked_at = timezone.now()
            url = zendesk.export_url(
                base_url=source.base_url, cursor=source.cursor, start_time=source.start_time
            )
            page = zendesk.page_fetch(url=url, email=source.agent_email, token=token)
            if not _page_apply(source, page, asked_at, result):
                return  # another run moved the cursor: it carries on
    except zendesk.AuthFailed as error:
        result.error = str(error)
        _auth_failed(source_id, result)
        return
    except zendesk.RateLimited as error:
        result.error = str(error)
        _failure_record(source_id, result, retry_not_before=error.until)
        return
    except zendesk.SyncError as error:
        result.error = str(error)
        _failure_record(source_id, result)
        return
    HelpdeskSource.objects.filter(pk=source_id).update(
        last_success_at=timezone.now(),
        last_error="",
        consecutive_failures=0,
        last_report=result.as_report(),
    )


def _page_apply(
    source: HelpdeskSource, page: zendesk.Page, asked_at: datetime.datetime, result: SyncResult
) -> bool:
    rows, skipped = zendesk.page_rows(page, handle_time_field=source.handle_time_field)
    data, lines = rows_csv(rows)
    with transaction.atomic():
        locked = HelpdeskSource.objects.select_for_update().get(pk=source.pk)
        if locked.cursor != source.cursor:
            return False
        report = interaction_import(
            data=data,
            source=locked.slug,
            mapping="attune",
            agents=managed_agents(user=locked.owner),
        )
        rejected = report_rejected(report, lines, "ticket", [row["external_id"] for row in rows])
        through = zendesk.page_synced_through(page, asked_at)
        HelpdeskSource.objects.filter(pk=locked.pk).update(
            cursor=page.after_cursor or locked.cursor,
            synced_through=max(filter(None, [through, locked.synced_through]), default=None),
            rows_created=F("rows_created") + report.created,
            rows_updated=F("rows_updated") + report.updated,
            rows_rejected=F("rows_rejected") + report.rejected_rows,
        )
    result.pages += 1
    result.created += report.created
    result.updated += report.updated
    result.skipped += skipped
    result.rejected += rejected
    result.end_of_stream = page.end_of_stream
    return True


def _failure_record(source_id: int, result: SyncResult, **extra) -> None:
    HelpdeskSource.objects.filter(pk=source_id).update(
        last_error=result.error,
        last_error_at=timezone.now(),
        consecutive_failures=F("consecutive_failures") + 1,
        failures_total=F("failures_total") + 1,
        last_report=result.as_report(),
        **extra,
    )


def _auth_failed(source_id: int, result: SyncResult) -> None:
    """Stop syncing the source and tell its owner, once per stop (a conditional UPDATE:
    only the run that stops it notifies)."""
    _failure_record(source_id, result)
    with transaction.atomic():
        stopped = HelpdeskSource.objects.filter(pk=source_id, auth_failed_at__isnull=True).update(
            auth_failed_at=timezone.now()
        )
        kind = ReminderKind.HELPDESK_SYNC_STOPPED
        # The operators' switch for the kind (admin: Reminder switches) still holds.
        if not stopped or ReminderSwitch.objects.filter(kind=kind, enqueue_enabled=False).exists():
            return
        source = HelpdeskSource.objects.get(pk=source_id)
        Notification.objects.create(
            user_id=source.owner_id,
            kind=kind,
            title=f"“{source.name}” stopped syncing: check its API token",
            body=f"{result.error}\nNo interactions arrive from this source until it is fixed.",
            url=reverse("web:helpdesk-source", args=[source.pk]),
        )


# --- The webhook ---------------------------------------------------------------------------


class WebhookRefused(Exception):
    """The delivery is not accepted; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, report: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.report = report


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: "sha256=" + hex HMAC-SHA256 of "TIMESTAMP.BODY"."""
    signed = timestamp.encode("ascii") + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _verify(source: HelpdeskSource, timestamp: str, signature: str, body: bytes, now) -> str:
    if not timestamp or not signature:
        raise WebhookRefused(401, "Send the X-Attune-Timestamp and X-Attune-Signature headers.")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookRefused(401, "X-Attune-Timestamp must be a Unix time in seconds.") from None
    expected = webhook_signature(secret=source.webhook_secret or "", timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise WebhookRefused(401, "The signature does not match this source's secret.")
    age = now.timestamp() - sent_at
    if age > settings.ATTUNE_HELPDESK_WEBHOOK_MAX_AGE:
        raise WebhookRefused(
            401,
            f"The timestamp is {int(age)} s old; deliveries older than "
            f"{settings.ATTUNE_HELPDESK_WEBHOOK_MAX_AGE} s are refused. Sign it again.",
        )
    if -age > settings.ATTUNE_HELPDESK_WEBHOOK_CLOCK_SKEW:
        raise WebhookRefused(401, f"The timestamp is {int(-age)} s in the future: check the clock.")
    return expected.removeprefix(SIGNATURE_PREFIX)


def _webhook_rows(body: bytes) -> list[dict]:
    try:
        rows = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRefused(400, "The body is not JSON.") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise WebhookRefused(400, "The body is a JSON array of objects, one per interaction.")
    if not rows:
        raise WebhookRefused(400, "The array is empty.")
    if len(rows) > settings.ATTUNE_HELPDESK_WEBHOOK_MAX_ROWS:
        raise WebhookRefused(
            400, f"At most {settings.ATTUNE_HELPDESK_WEBHOOK_MAX_ROWS} rows per delivery."
        )
    problems = []
    for position, row in enumerate(rows):
        for key, value in row.items():
            if key not in FIELDS:
                problems.append({"row": position, "column": key, "reason": "unknown column"})
            elif not isinstance(value, str | int | float | bool | type(None)):
                problems.append({"row": position, "column": key, "reason": "not a plain value"})
    if problems:
        raise WebhookRefused(400, "Some rows are not valid.", {"rejected": capped(problems)})
    return rows


class _Rollback(Exception):
    pass


def webhook_receive(
    *, source: HelpdeskSource, body: bytes, timestamp: str, signature: str, now=None
) -> dict:
    """Accept one signed delivery of interaction rows, all or nothing: its rows are
    upserted by external id and its signature recorded in one transaction; a delivery with
    a rejected row writes nothing and is refused (400) with the report. Raises
    WebhookRefused for a bad signature, a stale or future timestamp (401), a replay (409)
    or bad rows (400)."""
    now = now or timezone.now()
    digest = _verify(source, timestamp, signature, body, now)
    try:
        return _webhook_import(source, digest, body, now)
    except WebhookRefused as refused:
        # Signed by the helpdesk, so worth showing on the source's page (unsigned noise is not).
        if refused.status == 400:
            rejected = (refused.report or {}).get("rejected", [])
            failure = SyncResult(error=f"A delivery was refused: {refused}", rejected=rejected)
            _failure_record(source.pk, failure)
        raise


def _webhook_import(source: HelpdeskSource, digest: str, body: bytes, now) -> dict:
    rows = _webhook_rows(body)
    data, lines = rows_csv(rows)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    WebhookDelivery.objects.create(source=source, digest=digest, rows=len(rows))
            except IntegrityError:
                raise WebhookRefused(
                    409, "This delivery was already received (a replay)."
                ) from None
            report = interaction_import(
                data=data, source=source.slug, mapping="attune",
                agents=managed_agents(user=source.owner),
            )  # fmt: skip
            if report.rejected:
                raise _Rollback(report)
    except _Rollback as rollback:
        report = rollback.args[0]
        rejected = report_rejected(report, lines, "row", list(range(len(rows))))
        raise WebhookRefused(
            400,
            "Some rows were rejected; nothing was imported.",
            {"rejected": capped(rejected), "rejected_total": len(rejected)},
        ) from None
    HelpdeskSource.objects.filter(pk=source.pk).update(
        last_sync_at=now,
        last_success_at=now,
        synced_through=now,
        rows_created=F("rows_created") + report.created,
        rows_updated=F("rows_updated") + report.updated,
        last_error="",
        consecutive_failures=0,
    )
    return {"rows": report.rows, "created": report.created, "updated": report.updated}
