"""Garbage in filters, pages and bodies is a 4xx with a message, never a server error."""

import json
import re

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

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


@pytest.mark.parametrize("factory", [ManagerFactory, CoachFactory, HRFactory, AgentFactory])
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


GARBAGE_BODIES = [
    [],
    "text",
    {"id": "x", "name": None, "start": "9999-12-31", "starts_at": "0001-01-01T00:00:00Z"},
    {"version": 2**31, "order": 2**15, "seed": 2**64, "enrollment": 2**63, "days": 10**20},
    {"values": {"a": [[[[1]]]]}, "records": [{"enrollment": "x"}], "everyone": "maybe"},
    {"rubric": None, "program": None, "cohort": -1, "teams": [None], "reviewers": "x"},
]
GARBAGE_QUERIES = [
    "?start=9999-12-31T00:00:00Z&end=0001-01-01T00:00:00Z",
    "?days=0&export=nonsense&include=rows",
    "?customers=1e400&revenue_per_customer=nan&churn_reduction_points=inf",
    "?page=99999999999999999999&cohort=99999999999999999999",
]


def _operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/schema/?format=json").json()
    return [
        (method.upper(), re.sub(r"\{[a-z_]+\}", "1", path))
        for path, methods in schema["paths"].items()
        for method in methods
    ]


@pytest.mark.parametrize("email", ["manager", "coach", "hr", "agent"])
def test_every_operation_refuses_garbage_without_a_500(demo_world, email):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=f"{email}@attune.example"))
    bad = []
    for method, path in _operations(client):
        if method == "GET":
            calls = [client.get(path + query) for query in GARBAGE_QUERIES]
        else:
            calls = [
                client.generic(method, path, json.dumps(body), content_type="application/json")
                for body in GARBAGE_BODIES
            ]
        bad.extend((method, path, r.status_code) for r in calls if r.status_code >= 500)
    assert bad == []


@pytest.mark.parametrize("bound", ["occurred_before", "occurred_after"])
def test_an_interaction_date_filter_outside_the_years_is_a_400(manager_api, bound):
    response = manager_api.get(f"/api/interactions/?{bound}=0267-06-24T14:27:41-22:30")

    assert response.status_code == 400
    assert bound in response.json()


@pytest.mark.parametrize(
    "query", ["since=0001-01-01", "until=9999-12-31", "object_id=99999999999999999999", "actor=-3"]
)
def test_audit_log_filters_out_of_range_are_a_400(manager_api, query):
    assert manager_api.get(f"/api/audit-log/?{query}").status_code == 400
