"""The resolution metrics of an interaction reach the API and the admin like the others."""

import datetime

import pytest
from django.db.models import Count, Q

from accounts.models import User
from insights.demo import DEMO_SOURCE, demo_interactions_create
from insights.models import Interaction
from tests.factories import AgentFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_lists_whether_and_how_fast_an_interaction_was_resolved(agent_api):
    agent = AgentFactory()
    InteractionFactory(agent=agent, external_id="T1", resolved=True, resolution_seconds=5400)
    InteractionFactory(agent=agent, external_id="T2")
    agent_api.force_authenticate(agent)

    listed = agent_api.get("/api/interactions/").json()["results"]

    assert {row["external_id"]: (row["resolved"], row["resolution_seconds"]) for row in listed} == {
        "T1": (True, 5400),
        "T2": (None, None),
    }


def test_the_admin_lists_and_filters_interactions_by_resolution(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=User.Role.MANAGER))
    InteractionFactory(external_id="SOLVED-1", resolved=True, resolution_seconds=5400)
    InteractionFactory(external_id="OPEN-1", resolved=False)

    response = client.get("/admin/insights/interaction/", {"resolved__exact": "1"})

    assert response.status_code == 200
    assert [i.external_id for i in response.context["cl"].result_list] == ["SOLVED-1"]
    assert "5400" in response.content.decode()


def test_the_demo_resolves_most_escalations_within_hours_and_no_later_than_now():
    demo_interactions_create(agents=AgentFactory.create_batch(6))
    demo = Interaction.objects.filter(source=DEMO_SOURCE)

    counts = demo.aggregate(
        escalations=Count("id", filter=Q(escalated=True)),
        escalations_resolved=Count("id", filter=Q(escalated=True, resolved=True)),
        resolved_without_time=Count("id", filter=Q(resolved=True, resolution_seconds=None)),
        open_with_time=Count("id", filter=Q(resolved=False, resolution_seconds__isnull=False)),
    )
    assert counts["escalations"] > 0
    assert counts["escalations_resolved"] > counts["escalations"] / 2
    assert (counts["resolved_without_time"], counts["open_with_time"]) == (0, 0)
    escalations = demo.filter(escalated=True, resolved=True)
    assert all(3600 <= i.resolution_seconds <= 9 * 3600 for i in escalations)
    assert all(
        i.occurred_at + datetime.timedelta(seconds=i.resolution_seconds) <= i.imported_at
        for i in demo.filter(resolved=True)
    )
