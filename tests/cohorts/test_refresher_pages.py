"""Setting up a recurring refresher on the pages and through the API: managers only
(agents and HR 403), and only the schedules a manager facilitates (any other 404)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cohorts.models import RefresherSchedule
from cohorts.services import refresher_schedule_create
from programs.models import Program
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def form_data(playbook, **changes):
    source, refresher = playbook
    data = {
        "source_program": source.pk,
        "refresher_program": refresher.pk,
        "time_zone": "Australia/Sydney",
        "session_time": "09:30",
        "location": "",
        "video_link": "",
        "is_active": "on",
    }
    return {**data, **changes}


def test_a_manager_sets_one_up_and_facilitates_it(client, playbook, facilitator):
    coach = CoachFactory()
    client.force_login(facilitator)

    response = client.post(
        reverse("web:refresher-new"), form_data(playbook, facilitators=[coach.pk])
    )

    assert response.status_code == 302
    assert response.url.endswith("/refreshers/#refreshers")
    schedule = RefresherSchedule.objects.get()
    assert schedule.time_zone == "Australia/Sydney"
    assert set(schedule.facilitators.all()) == {facilitator, coach}
    page = client.get(response.url).content.decode()
    assert "is set up: a cohort opens every quarter" in page
    assert "Empathy Refresher" in page


def test_a_program_as_its_own_refresher_is_refused_next_to_the_field(client, playbook, facilitator):
    source, _ = playbook
    client.force_login(facilitator)

    response = client.post(
        reverse("web:refresher-new"), form_data(playbook, refresher_program=source.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["refresher_program"] == [
        "A program cannot be its own refresher."
    ]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not RefresherSchedule.objects.exists()


def test_a_facilitator_edits_it_and_the_list_shows_only_theirs(client, playbook, schedule):
    other = ManagerFactory()
    refresher_schedule_create(
        created_by=other, source_program=playbook[1], refresher_program=playbook[0]
    )
    client.force_login(schedule.created_by)

    listed = client.get(reverse("web:refreshers")).context["schedules"]
    response = client.post(
        reverse("web:refresher-edit", args=[schedule.pk]), form_data(playbook, is_active="")
    )

    assert list(listed) == [schedule]
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert not schedule.is_active


def test_another_manager_cannot_see_or_edit_it(client, playbook, schedule):
    client.force_login(ManagerFactory())

    url = reverse("web:refresher-edit", args=[schedule.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(playbook, is_active="")).status_code == 404
    schedule.refresh_from_db()
    assert schedule.is_active


@pytest.mark.parametrize("role", [AgentFactory, HRFactory])
def test_agents_and_hr_are_refused_the_pages(client, schedule, role):
    client.force_login(role())

    assert client.get(reverse("web:refreshers")).status_code == 403
    assert client.get(reverse("web:refresher-new")).status_code == 403
    assert client.get(reverse("web:refresher-edit", args=[schedule.pk])).status_code == 403


# --- API -----------------------------------------------------------------------------------

URL = "/api/refresher-schedules/"


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_creates_and_lists_a_managers_schedules(playbook, facilitator):
    source, refresher = playbook
    api = api_as(facilitator)

    created = api.post(
        URL,
        {"source_program": source.pk, "refresher_program": refresher.pk, "time_zone": "UTC"},
        format="json",
    )

    assert created.status_code == 201, created.data
    assert created.data["facilitators"] == [facilitator.pk]
    assert created.data["created_by"] == facilitator.pk
    assert created.data["runs"] == []
    assert [row["id"] for row in api.get(URL).data["results"]] == [created.data["id"]]


def test_the_api_says_why_a_draft_refresher_is_refused(playbook, facilitator):
    source, _ = playbook
    draft = Program.objects.create(name="Draft refresher")

    response = api_as(facilitator).post(
        URL, {"source_program": source.pk, "refresher_program": draft.pk}, format="json"
    )

    assert response.status_code == 400
    assert "refresher_program" in response.data


def test_the_api_hides_another_managers_schedule(schedule):
    api = api_as(ManagerFactory())

    assert api.get(f"{URL}{schedule.pk}/").status_code == 404
    assert api.patch(f"{URL}{schedule.pk}/", {"is_active": False}).status_code == 404
    assert api.get(URL).data["results"] == []


def test_a_facilitator_pauses_it_through_the_api(schedule):
    response = api_as(schedule.created_by).patch(
        f"{URL}{schedule.pk}/", {"is_active": False}, format="json"
    )

    assert response.status_code == 200
    schedule.refresh_from_db()
    assert not schedule.is_active


@pytest.mark.parametrize("role", [AgentFactory, HRFactory])
def test_agents_and_hr_are_refused_the_api(schedule, role):
    api = api_as(role())

    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{schedule.pk}/").status_code == 403
    assert api.post(URL, {}, format="json").status_code == 403


# --- Admin ---------------------------------------------------------------------------------


def test_a_superuser_adds_one_in_the_admin_and_keeps_facilitating_it(client, playbook):
    source, refresher = playbook
    admin = ManagerFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    data = {
        "source_program": source.pk,
        "refresher_program": refresher.pk,
        "time_zone": "UTC",
        "session_time": "10:00",
        "is_active": "on",
        "runs-TOTAL_FORMS": 0,
        "runs-INITIAL_FORMS": 0,
    }

    refused = client.post(
        "/admin/cohorts/refresherschedule/add/", {**data, "refresher_program": source.pk}
    )
    added = client.post("/admin/cohorts/refresherschedule/add/", data)

    assert "A program cannot be its own refresher." in refused.content.decode()
    assert added.status_code == 302
    assert list(RefresherSchedule.objects.get().facilitators.all()) == [admin]
    assert client.get("/admin/cohorts/refresherschedule/").status_code == 200


def test_the_api_list_costs_the_same_however_many_schedules(
    playbook, facilitator, django_assert_max_num_queries
):
    source, refresher = playbook
    api = api_as(facilitator)
    refresher_schedule_create(
        created_by=facilitator, source_program=source, refresher_program=refresher
    )
    with CaptureQueriesContext(connection) as one:
        api.get(URL)
    for _ in range(3):
        refresher_schedule_create(
            created_by=facilitator, source_program=source, refresher_program=refresher
        )

    # The page count, the schedules with their playbook, then one prefetch each for the
    # facilitators and the runs (and their cohorts, once there are any): the same for one
    # schedule or four.
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL).data["results"]) == 4
