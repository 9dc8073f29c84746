import pytest

from programs.models import Program
from tests.factories import ProgramFactory, complete_program

pytestmark = pytest.mark.django_db


def test_anonymous_cannot_read_programs(api):
    ProgramFactory(status=Program.Status.DRAFT)

    response = api.get("/api/programs/")

    assert response.status_code in (401, 403)


def test_agent_reads_published_programs_only(agent_api):
    published = complete_program(name="Published")
    published.status, published.published_at = "published", published.created_at
    published.save()
    ProgramFactory(name="Draft")

    response = agent_api.get("/api/programs/")

    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Published"]


def test_agent_gets_404_for_a_draft(agent_api):
    draft = ProgramFactory()

    assert agent_api.get(f"/api/programs/{draft.pk}/").status_code == 404
    assert agent_api.get(f"/api/phases/?program={draft.pk}").json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/programs/"),
        ("patch", "/api/programs/{id}/"),
        ("delete", "/api/programs/{id}/"),
        ("post", "/api/programs/{id}/publish/"),
        ("post", "/api/programs/{id}/clone/"),
        ("post", "/api/phases/"),
        ("post", "/api/rubrics/"),
    ],
)
def test_agent_cannot_write(agent_api, method, path):
    program = complete_program()

    response = getattr(agent_api, method)(path.format(id=program.pk), {}, format="json")

    assert response.status_code == 403
    assert Program.objects.count() == 1


@pytest.mark.parametrize("client_fixture", ["coach_api", "hr_api"])
def test_coaches_and_hr_cannot_write(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    response = client.post("/api/programs/", {"name": "Mine"}, format="json")

    assert response.status_code == 403
    assert not Program.objects.exists()


def test_manager_creates_a_program_they_own(manager_api):
    response = manager_api.post(
        "/api/programs/", {"name": "Support empathy 2027", "description": "For EMEA"}, format="json"
    )

    assert response.status_code == 201, response.json()
    program = Program.objects.get()
    assert program.owner == manager_api.user
    assert program.status == Program.Status.DRAFT


def test_status_cannot_be_set_directly(manager_api):
    program = ProgramFactory()

    manager_api.patch(f"/api/programs/{program.pk}/", {"status": "published"}, format="json")

    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT
