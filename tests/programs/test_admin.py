import pytest

from programs.services import rubric_publish
from tests.factories import ManagerFactory, RubricCriterionFactory, complete_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    return client


def test_program_page_shows_phases_workshops_and_modules_inline(admin_client):
    program = complete_program()

    response = admin_client.get(f"/admin/programs/program/{program.pk}/change/")

    assert response.status_code == 200
    inline_prefixes = {
        formset.formset.prefix for formset in response.context["inline_admin_formsets"]
    }
    assert {"phases", "workshops", "modules"} <= inline_prefixes


def test_published_rubric_is_read_only_in_the_admin(admin_client):
    criterion = RubricCriterionFactory()
    rubric_publish(rubric=criterion.rubric)

    response = admin_client.post(
        f"/admin/programs/rubric/{criterion.rubric.pk}/change/",
        {"name": "Renamed", "version": 1},
    )

    criterion.rubric.refresh_from_db()
    assert response.status_code == 403
    assert criterion.rubric.name != "Renamed"


def test_admin_publish_action_reports_what_is_missing(admin_client):
    program = complete_program()
    program.modules.all().delete()

    response = admin_client.post(
        "/admin/programs/program/",
        {"action": "publish", "_selected_action": [program.pk]},
        follow=True,
    )

    program.refresh_from_db()
    assert program.status == "draft"
    assert "at least one module" in response.content.decode()
