"""Zendesk's cursor-based incremental ticket export, read with plain HTTP, and how a page of
tickets becomes rows of the CSV import ("attune" columns). See docs/helpdesk.md.

`macro_save` pushes one macro (micro-scripts out, programs/macros.py). Every request goes
through `_send`, which deals with the ways Zendesk answers:
429 waits for `Retry-After` (or stops the run when that is too long), 5xx and network
errors are retried with a doubling backoff a bounded number of times, 401/403 stop with
`AuthFailed`. Anything else unexpected is `SyncError`.
"""

import base64
import datetime
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from insights.interaction_import import NOTES_MAX

EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"
MACROS_PATH = "/api/v2/macros"
SIDELOADS = "users,metric_sets,organizations"
# Via channels (ticket.via.channel) onto Attune's channels; anything else is "other".
CHANNELS = {
    "email": "email",
    "web": "email",
    "api": "email",
    "mobile": "email",
    "chat": "chat",
    "native_messaging": "chat",
    "messaging": "chat",
    "sms": "chat",
    "voice": "call",
    "phone": "call",
}
# Satisfaction ratings are good/bad; Attune's CSAT is 1-5 (4 and 5 count as satisfied).
CSAT = {"good": 5, "bad": 1}
SOLVED = {"solved", "closed"}
ESCALATED_TAG = "escalated"

_sleep = time.sleep  # tests replace it to keep waits out of the clock


class SyncError(Exception):
    """The page could not be read; the run stops and the cursor stays where it was."""


class AuthFailed(SyncError):
    """The helpdesk refused the credentials: syncing stops until the manager fixes them."""


class NotFound(SyncError):
    """Zendesk has no such thing (HTTP 404): a macro deleted there, or a wrong address."""


class RateLimited(SyncError):
    """Asked to wait longer than a run may: the next run starts after `until`."""

    def __init__(self, message: str, until: datetime.datetime):
        super().__init__(message)
        self.until = until


@dataclass
class Page:
    tickets: list[dict]
    users: dict[int, dict]
    metric_sets: dict[int, dict]
    organizations: dict[int, dict]
    after_cursor: str
    end_of_stream: bool


def export_url(*, base_url: str, cursor: str, start_time: datetime.datetime | None) -> str:
    query = {"include": SIDELOADS}
    if cursor:
        query["cursor"] = cursor
    else:
        moment = start_time or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
        query["start_time"] = str(int(moment.timestamp()))
    return f"{base_url}{EXPORT_PATH}?{urllib.parse.urlencode(query)}"


def token_read(token_env: str) -> str:
    token = os.environ.get(token_env, "")
    if not token:
        raise AuthFailed(f"The environment variable {token_env} is not set on the server.")
    return token


def _authorization(email: str, token: str) -> str:
    raw = f"{email}/token:{token}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def page_fetch(*, url: str, email: str, token: str) -> Page:
    """One page of the export; retries and waits as the module docstring says."""
    return _page(_send(url=url, email=email, token=token, what="the export"))


def macro_save(*, base_url: str, email: str, token: str, macro: dict, remote_id: int | None) -> int:
    """Create the macro, or update macro `remote_id` when Attune pushed it before (one that
    was deleted in Zendesk since is created again); returns its Zendesk id."""
    body = json.dumps({"macro": macro}).encode()
    if remote_id is not None:
        try:
            answer = _send(
                url=f"{base_url}{MACROS_PATH}/{remote_id}.json",
                email=email, token=token, what="a macro update", method="PUT", body=body,
            )  # fmt: skip
            return _macro_id(answer)
        except NotFound:
            pass
    answer = _send(
        url=f"{base_url}{MACROS_PATH}.json",
        email=email, token=token, what="a new macro", method="POST", body=body,
    )  # fmt: skip
    return _macro_id(answer)


def _macro_id(answer: bytes) -> int:
    try:
        return int(json.loads(answer)["macro"]["id"])
    except (ValueError, KeyError, TypeError) as error:
        raise SyncError("Zendesk's answer to a macro has no macro id.") from error


def _send(*, url: str, email: str, token: str, what: str, method="GET", body=None) -> bytes:
    """One request, retried and waited on as the module docstring says; the answer's body."""
    attempts = settings.ATTUNE_HELPDESK_HTTP_ATTEMPTS
    backoff = settings.ATTUNE_HELPDESK_BACKOFF_SECONDS
    headers = {"Authorization": _authorization(email, token), "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    last = ""
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(
                request, timeout=settings.ATTUNE_HELPDESK_HTTP_TIMEOUT
            ) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            status = error.code
            if status in (401, 403):
                raise AuthFailed(
                    f"Zendesk refused the API token (HTTP {status}): check the agent e-mail "
                    "and the token, then save the source or press “Sync now”."
                ) from None
            if status == 429:
                wait = _retry_after(error.headers.get("Retry-After"))
                if wait > settings.ATTUNE_HELPDESK_RETRY_AFTER_MAX:
                    until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=wait)
                    raise RateLimited(
                        f"Zendesk asked to wait {wait} s (HTTP 429); the next sync starts then.",
                        until,
                    ) from None
                _sleep(wait)
                last = f"HTTP 429, waited {wait} s"
                continue
            if status == 404:
                raise NotFound(f"Zendesk answered HTTP 404 to {what}.") from None
            if status < 500:
                raise SyncError(f"Zendesk answered HTTP {status} to {what}.") from None
            last = f"HTTP {status}"
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            last = f"could not reach {urllib.parse.urlsplit(url).netloc}: {error}"
        if attempt + 1 < attempts:
            _sleep(backoff * 2**attempt)
    raise SyncError(f"Zendesk did not answer after {attempts} attempts ({last}).")


def _retry_after(value: str | None) -> int:
    """Seconds to wait; Zendesk sends whole seconds. A missing or odd value waits a minute."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 60


def _page(body: bytes) -> Page:
    try:
        data = json.loads(body)
        return Page(
            tickets=list(data["tickets"]),
            users={user["id"]: user for user in data.get("users") or []},
            metric_sets={m["ticket_id"]: m for m in data.get("metric_sets") or []},
            organizations={o["id"]: o for o in data.get("organizations") or []},
            after_cursor=data.get("after_cursor") or "",
            end_of_stream=bool(data["end_of_stream"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise SyncError(f"Zendesk's answer is not an export page: {error!r}") from None


# --- Tickets onto CSV rows -------------------------------------------------------------------


def page_rows(page: Page, *, handle_time_field: int | None) -> tuple[list[dict], int]:
    """The page's tickets as rows in the "attune" columns, and how many tickets were left
    out (deleted, or not assigned to anyone yet: such a ticket comes back in a later page
    once it changes)."""
    rows = []
    for ticket in page.tickets:
        row = ticket_row(ticket, page, handle_time_field=handle_time_field)
        if row is not None:
            rows.append(row)
    return rows, len(page.tickets) - len(rows)


def ticket_row(ticket: dict, page: Page, *, handle_time_field: int | None) -> dict | None:
    if ticket.get("status") == "deleted" or not ticket.get("assignee_id"):
        return None
    assignee = page.users.get(ticket["assignee_id"]) or {}
    metrics = page.metric_sets.get(ticket.get("id")) or {}
    tags = [str(tag) for tag in ticket.get("tags") or []]
    solved = ticket.get("status") in SOLVED
    via = ((ticket.get("via") or {}).get("channel") or "").lower()
    rating = ticket.get("satisfaction_rating") or {}
    organization = page.organizations.get(ticket.get("organization_id")) or {}
    return {
        "external_id": ticket.get("id", ""),
        "channel": CHANNELS.get(via, "other"),
        # No e-mail in the sideload: the row is rejected as "a value is required".
        "agent_email": assignee.get("email", ""),
        "occurred_at": ticket.get("created_at", ""),
        "csat": CSAT.get(rating.get("score"), ""),
        "handle_seconds": _custom_field(ticket, handle_time_field),
        "escalated": _yes_no(ESCALATED_TAG in tags or (metrics.get("group_stations") or 0) > 1),
        "resolved_first_contact": _yes_no(solved and metrics.get("replies") == 1)
        if metrics
        else "",
        "repeat_contact": _yes_no((metrics.get("reopens") or 0) > 0) if metrics else "",
        "resolved": _yes_no(solved),
        "resolution_seconds": _minutes_as_seconds(metrics.get("full_resolution_time_in_minutes")),
        "notes": (ticket.get("description") or "")[:NOTES_MAX],
        "account": organization.get("name", ""),
        "tags": " ".join(tags),
    }


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _custom_field(ticket: dict, field_id: int | None):
    if not field_id:
        return ""
    for custom in ticket.get("custom_fields") or []:
        if custom.get("id") == field_id and custom.get("value") not in (None, ""):
            return custom["value"]
    return ""


def _minutes_as_seconds(value) -> str | int:
    minutes = (value or {}).get("calendar") if isinstance(value, dict) else None
    return "" if minutes is None else int(minutes) * 60


def page_synced_through(page: Page, asked_at: datetime.datetime) -> datetime.datetime | None:
    """How far the imported changes reach: at the end of the stream, the moment we asked
    (less the minute Zendesk holds back); before it, the latest ticket change on the page."""
    if page.end_of_stream:
        return asked_at - datetime.timedelta(minutes=1)
    moments = []
    for ticket in page.tickets:
        try:
            moments.append(datetime.datetime.fromisoformat(ticket["updated_at"]))
        except (KeyError, TypeError, ValueError):
            continue
    return max(moments, default=None)
