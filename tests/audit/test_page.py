"""The audit trail page: scoped like the API, filterable, paginated, no scripts."""

import pytest
from auditlog.context import set_actor

from audit.views import PAGE_SIZE
from tests.factories import AgentFactory, CohortFactory, HRFactory, ManagerFactory

URL = "/audit/"


def _edit(cohort, by, location):
    with set_actor(by):
        cohort.location = location
        cohort.save()


def test_a_manager_sees_changes_to_their_cohort_with_who_made_them(client, facilitator, cohort):
    _edit(cohort, facilitator, "Room 12")
    client.force_login(facilitator)

    response = client.get(URL, {"object_type": "cohorts.cohort"})

    assert response.status_code == 200
    assert "Room 12" in response.text
    assert facilitator.email in response.text
    assert "<script" not in response.text


def test_a_manager_does_not_see_another_managers_cohort(client, facilitator, program):
    other = ManagerFactory()
    theirs = CohortFactory(program=program, name="Not yours", facilitators=[other])
    _edit(theirs, other, "Secret room")
    client.force_login(facilitator)

    response = client.get(URL)

    assert "Secret room" not in response.text
    assert "Not yours" not in response.text


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_other_roles_get_403(client, db, factory):
    client.force_login(factory())

    assert client.get(URL).status_code == 403


def test_anonymous_visitors_go_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_is_paginated_and_keeps_the_filter(client, facilitator, cohort):
    for n in range(PAGE_SIZE + 1):
        _edit(cohort, facilitator, f"Room {n}")
    client.force_login(facilitator)

    first = client.get(URL, {"object_type": "cohorts.cohort"})
    second = client.get(URL, {"object_type": "cohorts.cohort", "page": 2})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert "object_type=cohorts.cohort&amp;page=2" in first.text
    assert list(second.context["page"].object_list)[-1].object_id == cohort.pk


def test_a_bad_filter_is_shown_not_a_500(client, facilitator):
    client.force_login(facilitator)

    response = client.get(URL, {"object_type": "no.such", "since": "yesterday"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
