"""Garbage in filters, pages and bodies is a 4xx with a message, never a server error."""

import pytest

from tests.factories import AgentFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/programs/",
    "/api/phases/",
    "/api/workshops/",
    "/api/modules/",
    "/api/rubrics/",
    "/api/cohorts/",
    "/api/enrollments/",
    "/api/schedule-items/",
    "/api/coaching-pairs/",
    "/api/rubric-scores/",
    "/api/my-plan/",
    "/api/certification/status/",
    "/api/certification/gates/",
    "/api/certification/assessments/",
    "/api/certification/decisions/",
    "/api/interactions/",
    "/api/baselines/",
    "/api/calibrations/",
    "/api/insights/funnel/",
    "/api/insights/kpis/",
    "/api/insights/retention/",
    "/api/insights/leading-indicator/",
    "/api/insights/roi/",
    "/api/experiments/",
    "/api/notifications/",
    "/api/me/reminders/",
    "/api/me/calendar/",
    "/insights/",
    "/cohorts/",
    "/plan/",
]
QUERIES = [
    "",
    "?cohort=abc",
    "?page=zz",
    "?start=notadate&end=x",
    "?program=-1&team=9999",
    "?ordering=nonsense",
    "?status=weird",
    "?customers=-5",
]


@pytest.mark.parametrize("factory", [ManagerFactory, HRFactory, AgentFactory])
def test_bad_query_strings_and_bodies_never_give_a_500(client, factory):
    client.force_login(factory())
    bad = []
    for path in PATHS:
        for query in QUERIES:
            r = client.get(path + query)
            if r.status_code >= 500:
                bad.append((path + query, r.status_code))
    posts = [
        "/api/cohorts/",
        "/api/experiments/",
        "/api/baselines/",
        "/api/calibrations/",
        "/api/certification/assessments/",
        "/api/rubric-scores/",
        "/api/enrollments/",
        "/api/programs/",
        "/api/phases/",
        "/api/certification/gates/",
    ]
    for path in posts:
        for body in ({}, {"name": "x", "window_start": "bad"}, {"program": "abc"}):
            r = client.post(path, body, content_type="application/json")
            if r.status_code >= 500:
                bad.append(("POST " + path, body, r.status_code))
    assert bad == []
