"""Fault test 4 of #16: the app's and the worker's PostgreSQL sessions are terminated again
and again (every 0.3-0.5 s, as an administrator or a failover would) while people use the
API and a real worker delivers reminders.

- No read answers 5xx: a read whose session was cut is answered again (config/middleware).
- A write answers 5xx only when its session was cut under it, and is then absent or whole
  (the phase with its audit entry, made in one transaction); a 201 write exists once.
- Delivery is exact: every reminder sent, one notification each, and an e-mail sent twice
  only for a row whose attempt was cut (handed back by its lease), with the same
  Message-ID.
"""

import collections
import email
import itertools
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts import reminders
from accounts.models import Notification, Outbox
from accounts.services import api_token_create
from config.celery_app import app
from programs.models import Phase
from tests.database_sessions import admin_connection, sessions_terminate
from tests.factories import AgentFactory, ManagerFactory, ProgramFactory, TeamFactory
from tests.faults.support import reminders_due_now
from tests.server import start_server
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
APP_SESSIONS = "attune-fault4-app"
WORKER_SESSIONS = "attune-fault4-worker"
SPARED_SECONDS = 1.0
REMINDERS = 300
READS = 300
WRITES = 60
MIN_CUTS = 10  # sessions terminated under load, at the least, for the test to mean anything


class SessionTerminator(threading.Thread):
    """Terminates the named sessions every 0.3-0.5 s until stopped.

    A session opened less than SPARED_SECONDS ago is left for the next round: a read is
    promised one answer again on a new connection, and cutting that one too within
    milliseconds would be a second failure, beyond the promise (and not what a failover or
    an administrator does)."""

    def __init__(self, application_names):
        super().__init__(daemon=True)
        self.application_names = application_names
        self.stopped = threading.Event()
        self.rounds = 0
        self.terminated = 0

    def run(self):
        pace = random.Random(4)
        with admin_connection() as admin:
            while not self.stopped.wait(pace.uniform(0.3, 0.5)):
                self.terminated += sessions_terminate(
                    admin, application_names=self.application_names, older_than=SPARED_SECONDS
                )
                self.rounds += 1

    def stop(self):
        self.stopped.set()
        self.join(timeout=10)


def _reminders_due():
    team = TeamFactory()
    agents = AgentFactory.create_batch(REMINDERS, team=team)
    reminders_due_now(agents)


def _requests(program_id):
    reads = [
        "/api/programs/",
        f"/api/programs/{program_id}/",
        f"/api/phases/?program={program_id}",
        "/api/me/",
        "/api/notifications/",
    ]
    jobs = [("GET", path) for path in itertools.islice(itertools.cycle(reads), READS)]
    jobs += [("POST", number) for number in range(1, WRITES + 1)]
    random.Random(4).shuffle(jobs)
    return jobs


def _call(base_url, token, program_id, job):
    method, target = job
    headers = {"Authorization": f"Bearer {token}"}
    if method == "GET":
        response = requests.get(base_url + target, headers=headers, timeout=30)
    else:
        phase = {
            "program": program_id,
            "order": target,
            "name": f"Fault 4 phase {target}",
            "first_day": target,
            "last_day": target,
        }
        response = requests.post(f"{base_url}/api/phases/", json=phase, headers=headers, timeout=30)
    return method, target, response.status_code


def _everything_sent(timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Outbox.objects.exclude(status=Outbox.Status.SENT).exists():
            return True
        reminders.reminders_sweep()  # what beat does: hands back rows whose lease ran out
        time.sleep(2.5)
    return False


def _sent_mail(folder):
    """(Message-ID, recipient) of every e-mail the worker wrote."""
    sent = []
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        sent.append((message["Message-ID"], message["To"]))
    return sent


def test_terminating_the_apps_and_workers_sessions_loses_and_doubles_nothing(tmp_path, settings):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: it runs a real worker against Redis.")
    settings.ATTUNE_DELIVERY_LEASE_SECONDS = 2  # as the worker's (tests/worker_settings.py)
    manager = ManagerFactory()
    program = ProgramFactory(owner=manager)
    _token, raw_token = api_token_create(user=manager, name="fault 4")
    _reminders_due()

    terminator = SessionTerminator([APP_SESSIONS, WORKER_SESSIONS])
    processes = []
    app.conf.task_always_eager = False
    try:
        server, base_url = start_server(ATTUNE_DB_APPLICATION_NAME=APP_SESSIONS)
        processes.append(server)
        worker = start_worker(
            "fault4",
            ATTUNE_WORKER_MAIL_DIR=str(tmp_path),
            ATTUNE_TEST_MAIL_PAUSE="0.01",
            ATTUNE_DB_APPLICATION_NAME=WORKER_SESSIONS,
        )
        processes.append(worker)
        terminator.start()
        reminders.reminders_sweep()  # three batches of 100 for the worker
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(
                pool.map(
                    lambda job: _call(base_url, raw_token, program.pk, job),
                    _requests(program.pk),
                )
            )
            # On a quiet machine the load can end before the sessions were cut often enough
            # to test anything: more reads, while the terminator keeps cutting, until it has.
            deadline = time.monotonic() + 30
            while terminator.terminated < MIN_CUTS and time.monotonic() < deadline:
                reads = [job for job in _requests(program.pk) if job[0] == "GET"][:40]
                answers += pool.map(lambda job: _call(base_url, raw_token, program.pk, job), reads)
        # Keep cutting the worker's sessions until every row was tried at least once.
        deadline = time.monotonic() + 20
        while Outbox.objects.filter(attempts=0).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        terminator.stop()
        assert _everything_sent(timeout=30), collections.Counter(
            Outbox.objects.values_list("status", flat=True)
        )
        time.sleep(0.5)  # let a duplicate task that is still running finish before counting
    finally:
        if terminator.is_alive():
            terminator.stop()
        app.conf.task_always_eager = True
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)

    statuses = collections.Counter((method, status) for method, _target, status in answers)
    print(f"{terminator.terminated} sessions terminated in {terminator.rounds} rounds; {statuses}")
    cut = terminator.terminated
    assert cut >= MIN_CUTS, "the sessions were hardly ever cut: nothing was tested"

    # Reads: every one answered, none with a server error.
    assert [(path, status) for method, path, status in answers if method == "GET"] == [
        (path, 200) for method, path, _status in answers if method == "GET"
    ]

    # Writes: 201 exists exactly once; 5xx (cut under it) absent or whole; nothing else.
    phases = collections.Counter(Phase.objects.values_list("name", flat=True))
    audited = set(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Phase), action=LogEntry.Action.CREATE
        ).values_list("object_id", flat=True)
    )
    assert set(Phase.objects.values_list("pk", flat=True)) == audited  # each one whole
    for method, number, status in answers:
        if method != "POST":
            continue
        made = phases[f"Fault 4 phase {number}"]
        assert (status == 201 and made == 1) or (status >= 500 and made <= 1), (number, status)

    # Delivery: every row sent, one notification each, e-mails doubled only by a cut.
    rows = {row.pk: row for row in Outbox.objects.select_related("recipient")}
    assert {row.status for row in rows.values()} == {Outbox.Status.SENT}
    assert sorted(Notification.objects.values_list("outbox_id", flat=True)) == sorted(rows)
    copies = collections.defaultdict(list)
    for message_id, recipient in _sent_mail(tmp_path):
        copies[message_id].append(recipient)
    assert set(copies) == {reminders.outbox_message_id(pk) for pk in rows}
    for pk, row in rows.items():
        recipients = copies[reminders.outbox_message_id(pk)]
        assert set(recipients) == {row.recipient.email}
        # A second copy only for a row whose attempt was cut and handed back by its lease.
        assert len(recipients) == 1 or row.attempts >= len(recipients), (pk, row.attempts)
