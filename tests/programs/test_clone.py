import pytest

from programs.models import Module, Program, Workshop
from programs.services import program_publish
from tests.factories import ManagerFactory, complete_program

pytestmark = pytest.mark.django_db


def test_clone_is_a_deep_copy_as_a_new_draft(manager_api):
    original = complete_program(name="Empathy Essentials")
    program_publish(program=original)

    response = manager_api.post(
        f"/api/programs/{original.pk}/clone/", {"name": "EMEA rollout"}, format="json"
    )

    assert response.status_code == 201
    clone = Program.objects.get(pk=response.json()["id"])
    assert (clone.name, clone.status, clone.owner) == ("EMEA rollout", "draft", manager_api.user)
    assert clone.cloned_from == original
    assert clone.rubric == original.rubric
    assert list(clone.phases.values_list("order", "first_day", "last_day")) == list(
        original.phases.values_list("order", "first_day", "last_day")
    )
    for model in (Workshop, Module):
        copied = model.objects.filter(program=clone).select_related("phase")
        assert copied.count() == model.objects.filter(program=original).count()
        assert all(item.phase.program_id == clone.pk for item in copied)
    assert clone.scenario_cards.count() == original.scenario_cards.count() == 1
    assert clone.micro_scripts.count() == original.micro_scripts.count() == 1


def test_editing_the_clone_leaves_the_original_alone(manager_api):
    original = complete_program()
    clone_id = manager_api.post(f"/api/programs/{original.pk}/clone/").json()["id"]
    clone_module = Module.objects.filter(program_id=clone_id).first()

    manager_api.patch(f"/api/modules/{clone_module.pk}/", {"topic": "Changed"}, format="json")

    assert not Module.objects.filter(program=original, topic="Changed").exists()
    assert Program.objects.get(pk=clone_id).name == f"{original.name} (copy)"


def test_clone_from_the_admin(client):
    manager = ManagerFactory(is_staff=True, is_superuser=True)
    original = complete_program()
    client.force_login(manager)

    response = client.post(
        "/admin/programs/program/",
        {"action": "clone", "_selected_action": [original.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Program.objects.filter(cloned_from=original, owner=manager).count() == 1
