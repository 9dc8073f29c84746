"""Fault test 3 of #16: the broker is on a dead port while people record role-play outcomes
and edit workshops in a real server process. Every request answers at once without a 5xx;
when the broker is back, the relay publishes what waited and a real worker makes every
certification decision and re-lays the running cohort's schedule."""

import datetime
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone

from certification.models import CertificationDecision, RolePlayAssessment
from certification.services import role_play_book
from cohorts import services as cohort_services
from cohorts.models import ScheduleItem
from config.celery_app import app
from jobs import services as jobs
from jobs.models import TaskIntent
from programs.services import program_publish
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    ModuleFactory,
    PhaseFactory,
    ProgramFactory,
    RubricCriterionFactory,
    ScenarioCardFactory,
    WorkshopFactory,
)
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
AGENTS = 6
PASSWORD = "attune-fault-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults_broker_settings",
        "ATTUNE_WORKER_DB_NAME": connection.settings_dict["NAME"],
    }
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/health/", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()  # gunicorn's master stops its workers on SIGTERM (not on SIGKILL)
    server.wait(timeout=20)
    pytest.fail("the web server did not start")


@pytest.fixture
def world():
    """A running cohort whose agents each scored 85 twice and have a role-play booked."""
    program = ProgramFactory(name="Broker down")
    RubricCriterionFactory(rubric=program.rubric, key="overall", scale_min=1, scale_max=100)
    phase = PhaseFactory(program=program, first_day=1, last_day=30, peer_coaching=True)
    workshop = WorkshopFactory(phase=phase, minutes=60, day=5)
    ModuleFactory(phase=phase, week=1)
    scenario = ScenarioCardFactory(program=program, title="Double charge")
    program = program_publish(program=program)
    manager = ManagerFactory(password=PASSWORD)
    cohort = CohortFactory(
        program=program, facilitators=[manager], start_date=timezone.localdate()
    )
    assessor = CoachFactory(password=PASSWORD)
    enrollments = [EnrollmentFactory(cohort=cohort) for _ in range(AGENTS)]
    cohort_services.cohort_start(cohort=cohort)
    bookings = []
    for enrollment in enrollments:
        for _ in range(2):
            cohort_services.rubric_score_create(
                rubric=program.rubric, scorer=CoachFactory(), subject=enrollment.agent,
                context="qa", values={"overall": 85}, scored_at=timezone.now(), cohort=cohort,
            )  # fmt: skip
        bookings.append(role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor))
    TaskIntent.objects.all().delete()  # only what the requests below ask for counts
    return {"manager": manager, "assessor": assessor, "workshop": workshop, "cohort": cohort,
            "bookings": bookings}  # fmt: skip


def test_requests_while_the_broker_is_down_answer_at_once_and_the_work_happens_later(world):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: the work is done by a real worker on Redis.")
    port = _free_port()
    server = _serve(port)
    base = f"http://127.0.0.1:{port}"
    answers = []
    try:
        # The worker's first request pays for its own start (URLs, templates, a database
        # connection); time the requests after that.
        warm = requests.get(
            f"{base}/api/certification/assessments/",
            auth=(world["assessor"].email, PASSWORD),
            timeout=30,
        )
        assert warm.status_code == 200
        for booking in world["bookings"]:
            started = time.monotonic()
            response = requests.post(
                f"{base}/api/certification/assessments/{booking.pk}/assess/",
                json={"values": {"overall": 90}, "passed": True},
                auth=(world["assessor"].email, PASSWORD),
                timeout=30,
            )
            answers.append((response.status_code, time.monotonic() - started))
        for minutes in (75, 90):
            started = time.monotonic()
            response = requests.patch(
                f"{base}/api/workshops/{world['workshop'].pk}/",
                json={"minutes": minutes},
                auth=(world["manager"].email, PASSWORD),
                timeout=30,
            )
            answers.append((response.status_code, time.monotonic() - started))
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert [status for status, _ in answers] == [200] * (AGENTS + 2)
    slowest = max(seconds for _, seconds in answers)
    assert slowest < 3, f"a request waited {slowest:.1f} s on the dead broker: {answers}"
    assert RolePlayAssessment.objects.filter(status="passed").count() == AGENTS
    assert not CertificationDecision.objects.exists()  # nothing reached a worker...
    waiting = TaskIntent.objects.filter(state="pending")
    assert waiting.count() == AGENTS + 2  # ...but all of it is recorded

    # The broker is back: beat's relay publishes, a real worker does the work.
    app.conf.task_always_eager = False
    worker = start_worker("broker-back")
    try:
        later = timezone.now() + datetime.timedelta(minutes=1)
        assert jobs.intents_republish(now=later)["published"] == AGENTS + 2
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and TaskIntent.objects.exclude(state="done").exists():
            time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=20)

    assert not TaskIntent.objects.exclude(state="done").exists()
    assert CertificationDecision.objects.count() == AGENTS
    session = ScheduleItem.objects.get(cohort=world["cohort"], workshop=world["workshop"])
    assert session.ends_at - session.starts_at == datetime.timedelta(minutes=90)
