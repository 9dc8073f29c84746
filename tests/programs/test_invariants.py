import pytest

from programs.models import Module, Phase, Program, Rubric, RubricCriterion
from programs.services import program_publish, rubric_publish
from tests.factories import (
    PhaseFactory,
    ProgramFactory,
    RubricCriterionFactory,
    RubricFactory,
    complete_program,
)

pytestmark = pytest.mark.django_db


def test_overlapping_phase_is_rejected_with_the_field_named(manager_api):
    program = ProgramFactory()
    PhaseFactory(program=program, order=1, name="Foundation", first_day=1, last_day=30)

    response = manager_api.post(
        "/api/phases/",
        {"program": program.pk, "order": 2, "name": "Practice", "first_day": 25, "last_day": 60},
        format="json",
    )

    assert response.status_code == 400
    assert "overlap" in response.json()["first_day"][0]
    assert "Foundation" in response.json()["first_day"][0]
    assert Phase.objects.count() == 1


def test_phase_ending_before_it_starts_is_rejected(manager_api):
    program = ProgramFactory()

    response = manager_api.post(
        "/api/phases/",
        {"program": program.pk, "order": 1, "name": "Odd", "first_day": 10, "last_day": 5},
        format="json",
    )

    assert response.status_code == 400
    assert "last_day" in response.json()


def test_program_without_parts_cannot_be_published(manager_api):
    program = ProgramFactory(rubric=None)

    response = manager_api.post(f"/api/programs/{program.pk}/publish/")

    assert response.status_code == 400
    assert set(response.json()) == {"phases", "workshops", "modules", "rubric"}
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_phases_with_a_gap_cannot_be_published(manager_api):
    program = complete_program()
    Phase.objects.filter(program=program, order=2).update(first_day=35, last_day=60)

    response = manager_api.post(f"/api/programs/{program.pk}/publish/")

    assert response.status_code == 400
    assert "starts on day 35, expected day 31" in response.json()["phases"][0]


def test_publishing_a_complete_program_freezes_its_rubric(manager_api):
    program = complete_program()

    response = manager_api.post(f"/api/programs/{program.pk}/publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    program.rubric.refresh_from_db()
    assert program.rubric.status == Rubric.Status.PUBLISHED


def test_published_rubric_cannot_be_edited(manager_api):
    rubric = RubricFactory()
    RubricCriterionFactory(rubric=rubric, key="tone")
    rubric_publish(rubric=rubric)

    edit = manager_api.patch(f"/api/rubrics/{rubric.pk}/", {"description": "new"}, format="json")
    add = manager_api.post(
        "/api/rubric-criteria/",
        {"rubric": rubric.pk, "key": "extra", "name": "Extra"},
        format="json",
    )
    delete = manager_api.delete(f"/api/rubric-criteria/{rubric.criteria.get().pk}/")

    assert edit.status_code == add.status_code == delete.status_code == 400
    assert "create a new version" in edit.json()["non_field_errors"][0]
    assert rubric.criteria.count() == 1


def test_new_version_copies_criteria_into_an_editable_draft(manager_api):
    rubric = RubricFactory(name="Empathy")
    RubricCriterionFactory(rubric=rubric, key="tone", weight=2)
    RubricCriterionFactory(rubric=rubric, key="validation")
    rubric_publish(rubric=rubric)

    response = manager_api.post(f"/api/rubrics/{rubric.pk}/new-version/")

    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["status"], body["previous_version"]) == (2, "draft", rubric.pk)
    assert [c["key"] for c in body["criteria"]] == ["tone", "validation"]
    edit = manager_api.patch(
        f"/api/rubric-criteria/{body['criteria'][0]['id']}/", {"weight": "3"}, format="json"
    )
    assert edit.status_code == 200
    assert RubricCriterion.objects.get(rubric=rubric, key="tone").weight == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"weight": "0"}, "weight"), ({"scale_min": 5, "scale_max": 5}, "scale_max")],
)
def test_weights_and_scales_must_be_positive_and_ordered(manager_api, changes, field):
    rubric = RubricFactory()

    response = manager_api.post(
        "/api/rubric-criteria/",
        {"rubric": rubric.pk, "key": "tone", "name": "Tone", **changes},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()


def test_workshop_day_must_fall_inside_its_phase(manager_api):
    phase = PhaseFactory(first_day=1, last_day=3)

    response = manager_api.post(
        "/api/workshops/", {"phase": phase.pk, "title": "Late", "day": 4}, format="json"
    )

    assert response.status_code == 400
    assert "only 3 days" in response.json()["day"][0]


def test_module_week_must_fall_inside_its_phase(manager_api):
    phase = PhaseFactory(first_day=31, last_day=60)

    fits = manager_api.post(
        "/api/modules/", {"phase": phase.pk, "week": 5, "topic": "Short week"}, format="json"
    )
    too_late = manager_api.post(
        "/api/modules/", {"phase": phase.pk, "week": 6, "topic": "Too late"}, format="json"
    )

    assert fits.status_code == 201
    assert fits.json()["program"] == phase.program_id
    assert too_late.status_code == 400
    assert "only 5 week(s)" in too_late.json()["week"][0]


def test_editing_a_published_program_must_keep_it_publishable(manager_api):
    program = complete_program()
    program_publish(program=program)
    last_module = Module.objects.filter(program=program).order_by("week").last()
    Module.objects.filter(program=program).exclude(pk=last_module.pk).delete()

    response = manager_api.delete(f"/api/modules/{last_module.pk}/")

    assert response.status_code == 400
    assert "is published" in response.json()["modules"][0]
    assert Module.objects.filter(pk=last_module.pk).exists()


def test_phase_gap_in_a_published_program_is_refused(manager_api):
    program = complete_program()
    program_publish(program=program)
    second = program.phases.get(order=2)

    response = manager_api.patch(f"/api/phases/{second.pk}/", {"first_day": 33}, format="json")

    assert response.status_code == 400
    second.refresh_from_db()
    assert second.first_day == 31


def test_database_refuses_an_inverted_phase_even_without_the_api():
    from django.db import IntegrityError, transaction

    program = ProgramFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(program=program, order=1, name="x", first_day=5, last_day=2)


def test_published_program_cannot_switch_to_a_draft_rubric(manager_api):
    program = complete_program()
    program_publish(program=program)
    draft = RubricFactory()
    RubricCriterionFactory(rubric=draft)

    response = manager_api.patch(
        f"/api/programs/{program.pk}/", {"rubric": draft.pk}, format="json"
    )

    assert response.status_code == 400
    assert "published rubric" in response.json()["rubric"][0]


def test_a_published_program_keeps_its_rubric(manager_api):
    program = program_publish(program=complete_program())

    response = manager_api.patch(f"/api/programs/{program.pk}/", {"rubric": None}, format="json")

    assert response.status_code == 400
    assert response.json() == {"rubric": ["A published program keeps a rubric."]}
    program.refresh_from_db()
    assert program.rubric_id is not None


def test_a_rubric_version_past_its_column_is_a_400(manager_api):
    response = manager_api.post("/api/rubrics/", {"name": "Big", "version": 2**31}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_the_last_possible_rubric_version_has_no_successor(manager_api):
    created = manager_api.post(
        "/api/rubrics/", {"name": "Big", "version": 2**31 - 1}, format="json"
    ).json()

    response = manager_api.post(f"/api/rubrics/{created['id']}/new-version/")

    assert response.status_code == 400
    assert "last version" in response.json()["version"][0]


def test_a_small_integer_past_its_column_is_a_400_on_every_database(manager_api):
    program = complete_program()

    response = manager_api.post(
        "/api/phases/",
        {"program": program.pk, "order": 9, "name": "Far", "first_day": 40000,
         "last_day": 40001},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert set(response.json()) == {"first_day", "last_day"}
