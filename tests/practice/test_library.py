"""The practice library (frameworks and exercises loaded with the playbook, linked to the
rubric criteria they train) and the exercise log with private or shared notes."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cohorts.models import CoachingPairMember
from practice import services
from practice.library_content import EXERCISES, FRAMEWORKS
from practice.models import Exercise, ExerciseLog, Framework
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory
from tests.wellbeing.conftest import coaching_cohort  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def loaded(db):
    call_command("load_playbook", verbosity=0)


def test_load_playbook_loads_the_library_linked_to_the_seeds_rubric_and_workshops(loaded):
    assert Framework.objects.count() == len(FRAMEWORKS)
    assert Exercise.objects.count() == len(EXERCISES)
    heart = Framework.objects.get(slug="heart")
    assert list(heart.steps.values_list("name", flat=True)) == [
        "Hear", "Empathize", "Apologize", "Respond", "Thank",
    ]  # fmt: skip
    assert set(heart.criteria.values_list("key", flat=True)) == {"validation", "actionable_closure"}
    assert heart.criteria.first().rubric.name
    assert list(heart.workshops.values_list("title", flat=True)) == ["Empathy basics"]
    nurse = Framework.objects.get(slug="nurse")
    assert list(nurse.modules.values_list("topic", flat=True)) == ["De-escalation language"]
    drill = Exercise.objects.get(slug="active-listening-drill")
    assert set(drill.frameworks.values_list("slug", flat=True)) == {"care", "nurse"}


def test_the_built_in_exercises_go_with_the_seeds_modules_and_workshops(loaded):
    drill = Exercise.objects.get(slug="active-listening-drill")
    assert list(drill.modules.values_list("topic", flat=True)) == ["Reflective listening"]
    assert list(drill.workshops.values_list("title", flat=True)) == ["Active listening"]
    assert Exercise.objects.filter(modules__isnull=False).distinct().count() >= 5
    page = _page(AgentFactory()).get("/practice/library/exercises/active-listening-drill/")
    assert "the module “Reflective listening”" in page.content.decode()


def test_loading_again_links_an_unlinked_exercise_and_keeps_a_managers_links(loaded):
    drill = Exercise.objects.get(slug="active-listening-drill")
    drill.modules.clear()
    drill.workshops.clear()
    chosen = Exercise.objects.get(slug="empathy-map")
    kept = list(chosen.workshops.all())
    chosen.modules.clear()  # the manager kept the workshop and dropped the module

    call_command("load_playbook", verbosity=0)

    assert list(drill.modules.values_list("topic", flat=True)) == ["Reflective listening"]
    assert list(chosen.workshops.all()) == kept
    assert not chosen.modules.exists()


def test_loading_again_creates_nothing_and_keeps_a_managers_edit(loaded):
    Framework.objects.filter(slug="heart").update(summary="Our own words.")
    call_command("load_playbook", verbosity=0)
    assert Framework.objects.count() == len(FRAMEWORKS)
    assert Framework.objects.get(slug="heart").summary == "Our own words."


def test_everyone_signed_in_reads_the_library_in_a_fixed_number_of_queries(loaded):
    client = _api(HRFactory())
    client.get("/api/frameworks/")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/frameworks/").json()
    # count, page, steps, criteria, modules, workshops, exercises
    assert len(queries) == 7
    heart = next(f for f in body["results"] if f["slug"] == "heart")
    assert set(heart["criteria"]) == {"validation", "actionable_closure"}
    assert _api(AgentFactory()).get("/api/exercises/empathy-map/").json()["minutes"] == 10


def test_the_library_pages_show_frameworks_with_what_they_train(loaded):
    client = _page(AgentFactory())
    assert "Nonviolent Communication" in client.get("/practice/library/").content.decode()
    page = client.get("/practice/library/frameworks/heart/").content.decode()
    assert "Empathize" in page
    assert "the workshop “Empathy basics”" in page
    assert "Validation" in page


# --- exercise log ---------------------------------------------------------------------------


@pytest.fixture
def pair(loaded, coaching_cohort):  # noqa: F811
    """Two agents paired for peer coaching in week 1 of a started cohort."""
    cohort = coaching_cohort
    member = CoachingPairMember.objects.filter(cohort=cohort, week=1).first()
    partner = CoachingPairMember.objects.filter(pair=member.pair).exclude(pk=member.pk).first()
    return member.enrollment.agent, partner.enrollment.agent, cohort


def test_notes_are_private_until_shared_with_the_coaching_partner(pair):
    agent, partner, cohort = pair
    exercise = Exercise.objects.get(slug="empathy-map")
    log = services.exercise_log_create(agent=agent, exercise=exercise, notes="She felt ignored.")
    assert not _api(partner).get("/api/exercise-logs/").json()["results"]

    services.exercise_log_update(log=log, agent=agent, shared_with_partner=True)
    shared = _api(partner).get("/api/exercise-logs/").json()["results"]
    assert [(r["id"], r["notes"]) for r in shared] == [(log.pk, "She felt ignored.")]
    # an agent who is not the partner, and everyone else, reads nothing
    outsider = AgentFactory()
    assert not _api(outsider).get("/api/exercise-logs/").json()["results"]
    for user in (CoachFactory(), cohort.facilitators.first(), HRFactory()):
        assert _api(user).get("/api/exercise-logs/").status_code == 403


def test_the_notes_are_encrypted_at_rest(pair):
    agent, _, _ = pair
    services.exercise_log_create(
        agent=agent, exercise=Exercise.objects.first(), notes="Private words."
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM practice_exerciselog")
        (stored,) = cursor.fetchone()
    assert "Private words." not in stored


def test_an_agent_logs_and_shares_through_the_api_and_a_partner_cannot_change_it(pair):
    agent, partner, _ = pair
    created = _api(agent).post(
        "/api/exercise-logs/", {"exercise": "reflection", "notes": "Went well."}, format="json"
    )
    assert created.status_code == 201, created.json()
    log_id = created.json()["id"]
    assert created.json()["shared_with_partner"] is False
    shared = _api(agent).patch(
        f"/api/exercise-logs/{log_id}/", {"shared_with_partner": True}, format="json"
    )
    assert shared.json()["shared_with_partner"] is True
    assert (
        _api(partner).patch(f"/api/exercise-logs/{log_id}/", {"notes": "x"}, format="json")
    ).status_code == 404


def test_an_unknown_exercise_is_a_400_naming_it(pair):
    agent, _, _ = pair
    response = _api(agent).post("/api/exercise-logs/", {"exercise": "nope"}, format="json")
    assert response.status_code == 400
    assert "exercise" in response.json()


def test_an_agent_logs_an_exercise_on_the_page_and_shares_it(pair):
    agent, partner, _ = pair
    client = _page(agent)
    response = client.post(
        "/practice/library/exercises/empathy-map/",
        {"notes": "Says: refund now. Feels: cheated."},
    )
    assert response.status_code == 302
    log = ExerciseLog.objects.get()
    assert log.shared_with_partner is False
    assert "Feels: cheated." in client.get("/practice/exercises/").content.decode()
    assert "Feels: cheated." not in _page(partner).get("/practice/exercises/").content.decode()
    client.post(f"/practice/exercises/{log.pk}/share/", {"share": "yes"})
    assert "Feels: cheated." in _page(partner).get("/practice/exercises/").content.decode()
    # the partner cannot unshare it
    assert (
        _page(partner).post(f"/practice/exercises/{log.pk}/share/", {"share": "no"}).status_code
        == 404
    )


def test_only_agents_log_exercises_on_the_pages(loaded):
    manager = _page(ManagerFactory())
    page = manager.get("/practice/library/exercises/empathy-map/")
    assert page.status_code == 200
    assert "Log it as done" not in page.content.decode()
    assert manager.post("/practice/library/exercises/empathy-map/", {}).status_code == 403
    assert manager.get("/practice/exercises/").status_code == 403


def test_a_log_id_that_is_not_a_number_is_a_404(pair):
    agent, _, _ = pair
    response = _api(agent).patch("/api/exercise-logs/abc/", {"notes": "x"}, format="json")
    assert response.status_code == 404


def test_an_agent_deletes_a_log_through_the_api_and_a_partner_cannot(pair):
    agent, partner, _ = pair
    log = services.exercise_log_create(
        agent=agent, exercise=Exercise.objects.first(), notes="Mine.", shared_with_partner=True
    )

    assert _api(partner).delete(f"/api/exercise-logs/{log.pk}/").status_code == 404
    assert _api(ManagerFactory()).delete(f"/api/exercise-logs/{log.pk}/").status_code == 403
    assert ExerciseLog.objects.filter(pk=log.pk).exists()
    assert _api(agent).delete(f"/api/exercise-logs/{log.pk}/").status_code == 204
    assert not ExerciseLog.objects.filter(pk=log.pk).exists()
    assert not _api(partner).get("/api/exercise-logs/").json()["results"]


def test_an_agent_deletes_a_log_on_the_page_after_confirming(pair):
    agent, partner, _ = pair
    agent.time_zone = "Europe/Paris"
    agent.save(update_fields=["time_zone"])
    log = services.exercise_log_create(
        agent=agent,
        exercise=Exercise.objects.get(slug="empathy-map"),
        shared_with_partner=True,
        done_at=datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
    )
    client = _page(agent)
    url = f"/practice/exercises/{log.pk}/delete/"
    assert f'href="{url}"' in client.get("/practice/exercises/").content.decode()

    confirm = client.get(url).content.decode()
    assert "Delete “Empathy map” of 2 March 2026, 10:30?" in confirm  # in the agent's zone
    assert "also for your coaching partner" in confirm
    assert _page(partner).post(url).status_code == 404
    assert ExerciseLog.objects.filter(pk=log.pk).exists()
    response = client.post(url, follow=True)

    assert not ExerciseLog.objects.filter(pk=log.pk).exists()
    assert "is deleted from your exercises" in response.content.decode()
    assert _page(HRFactory()).post(url).status_code == 403
