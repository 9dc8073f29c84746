"""A small local server that answers Zendesk's cursor-based incremental ticket export in its
documented format, for the tests and the demo (`manage.py zendesk_demo_server`).

It serves `tickets` (sorted by update time) `page_size` at a time, with the sideloads
(users, metric_sets, organizations), `after_cursor` and `end_of_stream`; a cursor is the
position after the page, so asking again with the last cursor returns only tickets added
since. `faults` are answered first, one per request: (status, headers), e.g.
(429, {"Retry-After": "3"}) or (500, {}). A request whose token is not `token` gets a 401,
as an expired token does.
"""

import base64
import datetime
import json
import random
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpdesk.zendesk import EXPORT_PATH, MACROS_PATH

SCORES = ("good", "good", "bad", "offered", "unoffered")
DEMO_HANDLE_TIME_FIELD = 360001  # the demo tickets' handle time (seconds) custom field


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{position}".encode()).decode()


def _position(cursor: str) -> int:
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("pos:"))


class FakeZendesk:
    def __init__(self, *, tickets=(), users=(), metric_sets=(), organizations=(),
                 email="sync@example.com", token="good-token", page_size=100):  # fmt: skip
        self.tickets = list(tickets)
        self.users = list(users)
        self.metric_sets = list(metric_sets)
        self.organizations = list(organizations)
        self.email = email
        self.token = token
        self.page_size = page_size
        self.faults: list[tuple[int, dict]] = []
        self.macros: dict[int, dict] = {}  # what was pushed, by the id this server gave
        self._macro_ids = iter(range(9001, 10**9))  # never reused, as Zendesk's
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = None

    # --- running ---

    def start(self, port: int = 0) -> "FakeZendesk":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, headers, body = fake.answer(self.path, self.headers.get("Authorization"))
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self._write()

            def do_PUT(self):
                self._write()

            def _write(self):
                length = int(self.headers.get("Content-Length") or 0)
                status, headers, body = fake.answer(
                    self.path,
                    self.headers.get("Authorization"),
                    method=self.command,
                    body=self.rfile.read(length),
                )
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- answering ---

    def _authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.email}/token:{self.token}".encode()).decode()
        return header == f"Basic {expected}"

    def answer(self, path: str, authorization: str | None, *, method="GET", body=b""):
        """(status, headers, body) of the answer to one request."""
        with self._lock:
            self.requests.append(path if method == "GET" else f"{method} {path}")
            if self.faults:
                status, headers = self.faults.pop(0)
                return status, headers, json.dumps({"error": f"fault {status}"}).encode()
            split = urllib.parse.urlsplit(path)
            if split.path.startswith(MACROS_PATH):
                if not self._authorised(authorization):
                    return 401, {}, b'{"error": "Couldn\'t authenticate you"}'
                return self._macro(method, split.path, body)
            if split.path != EXPORT_PATH:
                return 404, {}, b'{"error": "InvalidEndpoint"}'
            if not self._authorised(authorization):
                return 401, {}, b'{"error": "Couldn\'t authenticate you"}'
            query = urllib.parse.parse_qs(split.query)
            return 200, {}, json.dumps(self._page(query)).encode()

    def _macro(self, method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        """POST /api/v2/macros.json creates; PUT /api/v2/macros/<id>.json updates."""
        macro = json.loads(body)["macro"]
        if method == "POST" and path == f"{MACROS_PATH}.json":
            macro_id = next(self._macro_ids)
            self.macros[macro_id] = macro
            return 201, {}, json.dumps({"macro": {**macro, "id": macro_id}}).encode()
        tail = path.removeprefix(f"{MACROS_PATH}/").removesuffix(".json")
        if method == "PUT" and tail.isdigit():
            if int(tail) not in self.macros:
                return 404, {}, b'{"error": "RecordNotFound"}'
            self.macros[int(tail)] = macro
            return 200, {}, json.dumps({"macro": {**macro, "id": int(tail)}}).encode()
        return 404, {}, b'{"error": "InvalidEndpoint"}'

    def _ordered(self) -> list[dict]:
        return sorted(self.tickets, key=lambda t: (t["updated_at"], t["id"]))

    def _page(self, query: dict) -> dict:
        tickets = self._ordered()
        if "cursor" in query:
            start = _position(query["cursor"][0])
        else:
            since = datetime.datetime.fromtimestamp(int(query["start_time"][0]), datetime.UTC)
            start = next(
                (n for n, t in enumerate(tickets) if _moment(t["updated_at"]) >= since),
                len(tickets),
            )
        page = tickets[start : start + self.page_size]
        end = start + len(page)
        ids = {t["id"] for t in page}
        people = {t.get("assignee_id") for t in page} | {t.get("requester_id") for t in page}
        organizations = {t.get("organization_id") for t in page}
        return {
            "tickets": page,
            "users": [u for u in self.users if u["id"] in people],
            "metric_sets": [m for m in self.metric_sets if m["ticket_id"] in ids],
            "organizations": [o for o in self.organizations if o["id"] in organizations],
            "after_url": f"{EXPORT_PATH}?cursor={_cursor(end)}",
            "after_cursor": _cursor(end),
            "before_cursor": _cursor(start),
            "end_of_stream": end >= len(tickets),
        }


def _moment(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def demo_data(*, agent_emails: list[str], count: int, now: datetime.datetime, recent: int = 0,
              seed: int = 19) -> dict:  # fmt: skip
    """`count` tickets of the last two weeks (all changed more than half a day ago), then
    `recent` tickets of the last hour, assigned in turn to `agent_emails`, with their users,
    metric sets and organisations. The same tickets in the same order for a seed, so a
    cursor from one server still fits another serving more `recent` tickets."""
    rng = random.Random(seed)
    users = [{"id": 1000 + n, "email": email, "role": "agent"} for n, email in
             enumerate(agent_emails)]  # fmt: skip
    organizations = [{"id": 501, "name": "Northwind Traders"}, {"id": 502, "name": "Globex"}]
    tickets, metric_sets = [], []
    for n in range(count + recent):
        if n < count:
            created = now - datetime.timedelta(minutes=rng.randrange(24 * 60, 14 * 24 * 60))
            updated = created + datetime.timedelta(minutes=rng.randrange(5, 600))
        else:
            created = updated = now - datetime.timedelta(minutes=60 - n + count)
        ticket, metrics = _demo_ticket(rng, 70_000 + n, users[n % len(users)]["id"], created)
        ticket["updated_at"] = _iso(updated)
        tickets.append(ticket)
        metric_sets.append(metrics)
    return {"tickets": tickets, "users": users, "metric_sets": metric_sets,
            "organizations": organizations}  # fmt: skip


def _demo_ticket(rng: random.Random, ticket_id: int, assignee: int, created) -> tuple[dict, dict]:
    channels = ("email", "web", "chat", "native_messaging", "voice", "api")
    ticket = {
        "id": ticket_id,
        "created_at": _iso(created),
        "status": rng.choice(("solved", "solved", "closed", "open", "pending")),
        "assignee_id": assignee,
        "requester_id": None,
        "organization_id": rng.choice((501, 502, None)),
        "via": {"channel": rng.choice(channels)},
        "tags": rng.choice(([], ["billing"], ["escalated", "billing"], ["refund"])),
        "description": f"Demo ticket {ticket_id}: the customer asks about an invoice.",
        "satisfaction_rating": {"score": rng.choice(SCORES)},
        "custom_fields": [{"id": DEMO_HANDLE_TIME_FIELD, "value": rng.randrange(120, 1200)}],
    }
    metrics = {
        "ticket_id": ticket_id,
        "reopens": rng.choice((0, 0, 0, 1)),
        "replies": rng.choice((1, 1, 2, 3)),
        "group_stations": rng.choice((1, 1, 1, 2)),
        "full_resolution_time_in_minutes": {"calendar": rng.randrange(10, 3000), "business": None},
    }
    return ticket, metrics
