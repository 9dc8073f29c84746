"""The completion rule: edited with the program (API, admin), validated against what the
program has, shown in words, and set by load_playbook once."""

import pytest
from django.core.management import call_command

from programs.models import Program
from tests.factories import complete_program

pytestmark = pytest.mark.django_db


def test_the_default_rule_asks_for_everything_and_no_certification():
    program = complete_program()

    assert program.completion_rule_lines() == [
        "Attend all workshops",
        "Complete all modules (pre-work and live practice)",
        "Hold all peer-coaching sessions (weeks you have a partner)",
    ]


def test_a_manager_sets_the_rule_through_the_api(manager_api):
    program = complete_program()

    response = manager_api.patch(
        f"/api/programs/{program.pk}/",
        {"completion_modules_min": 1, "completion_requires_certification": True},
        format="json",
    )

    assert response.status_code == 200
    program.refresh_from_db()
    assert (program.completion_modules_min, program.completion_requires_certification) == (
        1,
        True,
    )
    assert "Be certified" in program.completion_rule_lines()


def test_a_minimum_above_what_the_program_has_is_a_field_error(manager_api):
    program = complete_program()  # one workshop, two modules, no coaching

    response = manager_api.patch(
        f"/api/programs/{program.pk}/",
        {"completion_workshops_min": 2, "completion_coaching_min": 1},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert "ask for 1 at most" in str(body["completion_workshops_min"])
    assert "ask for 0 at most" in str(body["completion_coaching_min"])
    program.refresh_from_db()
    assert program.completion_workshops_min is None


def test_load_playbook_sets_the_playbook_rule_once():
    call_command("load_playbook")
    program = Program.objects.get(name="Empathy Essentials")
    assert (
        program.completion_workshops_min,
        program.completion_modules_min,
        program.completion_coaching_min,
        program.completion_requires_certification,
    ) == (3, 4, 3, True)

    program.completion_workshops_min = 4  # a manager's choice survives a second run
    program.save()
    call_command("load_playbook")

    program.refresh_from_db()
    assert program.completion_workshops_min == 4


def test_load_playbook_gives_a_program_loaded_before_rules_existed_its_rule():
    call_command("load_playbook")
    Program.objects.filter(name="Empathy Essentials").update(
        completion_workshops_min=None,
        completion_modules_min=None,
        completion_coaching_min=None,
        completion_requires_certification=False,
    )

    call_command("load_playbook")

    program = Program.objects.get(name="Empathy Essentials")
    assert program.completion_workshops_min == 3
    assert program.completion_requires_certification is True
