import pytest

from programs.services import program_publish
from tests.factories import ProgramFactory, complete_program

pytestmark = pytest.mark.django_db


def test_whole_program_is_read_in_a_fixed_number_of_queries(agent_api, django_assert_num_queries):
    program = complete_program()
    program_publish(program=program)

    # program (+ owner, rubric), phases, workshops, modules, criteria, scenario cards,
    # micro-scripts
    with django_assert_num_queries(7):
        response = agent_api.get(f"/api/programs/{program.pk}/")

    body = response.json()
    assert [phase["first_day"] for phase in body["phases"]] == [1, 31]
    assert len(body["phases"][0]["workshops"]) == 1
    assert len(body["phases"][1]["modules"]) == 2
    assert len(body["rubric_detail"]["criteria"]) == 3
    assert len(body["scenario_cards"]) == len(body["micro_scripts"]) == 1


def test_query_count_does_not_grow_with_the_program(agent_api, django_assert_num_queries):
    program = complete_program()
    for week in range(3, 6):
        program.phases.get(order=2).modules.create(program=program, week=week, topic=f"W{week}")
    program_publish(program=program)

    with django_assert_num_queries(7):
        agent_api.get(f"/api/programs/{program.pk}/")


def test_list_is_paginated_filtered_and_searchable(manager_api):
    ProgramFactory.create_batch(3, status="draft")
    published = complete_program(name="Empathy for chat")
    program_publish(program=published)

    drafts = manager_api.get("/api/programs/?status=draft").json()
    found = manager_api.get("/api/programs/?search=chat").json()
    page = manager_api.get("/api/programs/?page=2").json()

    assert drafts["count"] == 3
    assert [p["name"] for p in found["results"]] == ["Empathy for chat"]
    assert page == {"detail": "Invalid page."} or page["results"] == []
