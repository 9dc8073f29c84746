"""The demo's world, and a WSGI app serving it, for the tests that sweep the whole API."""

import datetime

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from accounts.demo import demo_users_create
from certification.demo import demo_certification_create
from cohorts import services as cohort_services
from cohorts.demo import demo_cohort_create
from insights import services as insight_services
from insights.demo import demo_interactions_create
from insights.models import Interaction


class _InTestWSGIHandler(WSGIHandler):
    """Django's WSGI app as the test client runs it: in the test's transaction, no CSRF."""

    def get_response(self, request):
        request._dont_enforce_csrf_checks = True
        return super().get_response(request)


@pytest.fixture
def wsgi_app():
    # A real WSGI request closes the database connection at its end, which would throw away
    # the test's transaction; Django's own test client disconnects the same signal.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _InTestWSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo_world(db):
    """The demo's data (a published program, a running cohort, scores, a certified agent,
    interactions) and one baseline, calibration and experiment, so ids 1.. exist."""
    call_command("load_playbook", verbosity=0)
    manager, coach, _hr, *agents = demo_users_create()
    cohort = demo_cohort_create(manager=manager, agents=agents)
    demo_certification_create(
        enrollment=cohort.enrollments.get(agent__email="agent2@attune.example"), coach=coach
    )
    demo_interactions_create(agents=agents)
    window = (timezone.now() - datetime.timedelta(days=60), timezone.now())
    rubric = cohort.program.rubric
    insight_services.baseline_create(
        name="Baseline", rubric=rubric, reviewers=[manager, coach], cohort=cohort,
        window_start=window[0], window_end=window[1], sample_size=10, seed=1,
        created_by=manager,
    )  # fmt: skip
    insight_services.calibration_create(
        name="Calibration", rubric=rubric, reviewers=[manager, coach],
        interactions=list(Interaction.objects.order_by("pk")[:3]), created_by=manager,
    )  # fmt: skip
    cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=window[0], window_end=window[1], seed=1,
        created_by=manager,
    )  # fmt: skip
