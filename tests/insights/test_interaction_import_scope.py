"""Importing interactions through the API writes only the manager's own agents' rows, and
a file that cannot be read at all is a 400."""

import io

import pytest

from insights.models import Interaction
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
)
from tests.insights.test_interaction_import import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, **fields):
    body = {"file": io.BytesIO(data), "source": "helpdesk", "mapping": "attune", **fields}
    return client.post("/api/interactions/import/", body, format="multipart")


@pytest.fixture
def mine(manager_api):
    cohort = CohortFactory(facilitators=[manager_api.user])
    return EnrollmentFactory(cohort=cohort, agent__email="ana@example.com").agent


def test_a_manager_imports_their_own_agents_interactions(manager_api, mine):
    response = upload(manager_api, csv_bytes(HEADER, row("T1")))

    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1
    assert Interaction.objects.get().agent == mine


def test_rows_naming_someone_elses_agent_hr_or_a_manager_are_rejected(manager_api, mine):
    other = EnrollmentFactory(cohort=CohortFactory(), agent__email="bo@example.com").agent
    HRFactory(email="hana@example.com")
    ManagerFactory(email="max@example.com")
    data = csv_bytes(
        HEADER,
        row("T1", agent=other.email),
        row("T2", agent="hana@example.com"),
        row("T3", agent="max@example.com"),
        row("T4"),
    )

    body = upload(manager_api, data).json()

    assert body["created"] == 1
    assert body["rejected_rows"] == 3
    assert all("may import" in error["reason"] for error in body["rejected"])
    assert body["unknown_agents"] == []
    assert list(Interaction.objects.values_list("external_id", flat=True)) == ["T4"]


def test_an_interaction_of_another_managers_agent_is_never_updated(manager_api, mine):
    theirs = InteractionFactory(
        source="helpdesk", external_id="T9", agent=AgentFactory(), csat=None
    )

    body = upload(manager_api, csv_bytes(HEADER, row("T9", csat="1"))).json()

    theirs.refresh_from_db()
    assert (theirs.agent != mine, theirs.csat) == (True, None)
    assert body["updated"] == 0
    assert "may not change" in body["rejected"][0]["reason"]


@pytest.mark.parametrize(
    "data",
    [
        b"external_id,channel\r\nT1,chat\r\n",  # required columns missing
        (HEADER + "\r\n" + row("T1") + "\r\n").encode("utf-16"),  # not UTF-8
    ],
    ids=["missing-columns", "wrong-encoding"],
)
def test_a_file_that_cannot_be_read_is_a_400(manager_api, mine, data):
    response = upload(manager_api, data)

    assert response.status_code == 400
    assert response.json()["rejected"][0]["line"] == 1
    assert not Interaction.objects.exists()


def test_a_nul_in_an_external_id_is_a_rejected_row_not_a_server_error(manager_api, mine):
    response = upload(manager_api, csv_bytes(HEADER, row("T\x001"), row("T2")))

    assert response.status_code == 200
    assert "control character" in response.json()["rejected"][0]["reason"]
    assert list(Interaction.objects.values_list("external_id", flat=True)) == ["T2"]


def test_an_unterminated_quote_is_reported_on_its_line(manager_api, mine):
    data = csv_bytes(HEADER, row("T1"), '"T2,chat,ana@example.com,2026-09-14T13:02:11Z')

    body = upload(manager_api, data).json()

    assert body["created"] == 1
    assert body["rejected"][-1]["line"] == 3
    assert "never closed" in body["rejected"][-1]["reason"]


def test_a_large_file_is_handed_to_a_worker_and_answered_202(
    manager_api, mine, settings, django_capture_on_commit_callbacks
):
    from imports.models import ImportJob

    settings.ATTUNE_INTERACTION_IMPORT_IN_REQUEST_MAX_BYTES = 100
    data = csv_bytes(HEADER, row("T1"), row("T2"))
    assert len(data) > 100

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = upload(manager_api, data, mapping="attune")

    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get()
    assert response["Location"] == f"/api/import-jobs/{job.pk}/"
    assert (job.kind, job.source, job.status, job.created_by) == (
        "interactions",
        "helpdesk",
        "queued",
        manager_api.user,
    )
    assert not Interaction.objects.exists()  # nothing imported inside the request
    with job.file.open("rb") as stored:
        assert stored.read() == data

    for callback in enqueued:
        callback()  # the worker's turn (tasks run eagerly in tests)

    job.refresh_from_db()
    assert (job.status, job.report["created"]) == ("done", 2)
    assert Interaction.objects.get(external_id="T2").agent == mine


def test_a_small_file_is_still_imported_in_the_request(manager_api, mine, settings):
    settings.ATTUNE_INTERACTION_IMPORT_IN_REQUEST_MAX_BYTES = 10_000

    response = upload(manager_api, csv_bytes(HEADER, row("T1")))

    assert (response.status_code, response.json()["created"]) == (200, 1)
