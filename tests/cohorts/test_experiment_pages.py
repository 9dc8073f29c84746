"""A/B experiments on pages: a manager lists the experiments in their scope, defines one on
a cohort or on teams they manage (the service assigns the agents within teams), and reads
the assignment and the result. Out of scope is 404, other roles 403."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from cohorts import services
from cohorts.models import Experiment
from tests.cohorts.conftest import enrol
from tests.factories import (
    AgentFactory,
    CohortFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NEW = reverse("web:experiment-new")


def _form(**overrides):
    return {
        "name": "Scripts pilot",
        "program": "",
        "cohort": "",
        "window_start": "2026-11-02",
        "window_end": "2026-11-30",
        "seed": "",
        **overrides,
    }


def _experiment(cohort=None, teams=(), name="Pilot"):
    return services.experiment_create(
        name=name,
        cohort=cohort,
        teams=teams,
        window_start=datetime.datetime(2026, 11, 2, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 2, tzinfo=UTC),
        seed=7,
    )


def test_a_manager_creates_one_on_a_cohort_with_the_window_in_their_time_zone(
    client, facilitator, cohort
):
    enrol(cohort, 6)
    facilitator.time_zone = "Europe/Berlin"
    facilitator.save()
    client.force_login(facilitator)

    response = client.post(NEW, _form(cohort=cohort.pk, seed="42", window_start="2026-10-20"))

    experiment = Experiment.objects.get()
    assert response.url == reverse("web:experiment", args=[experiment.pk]) + "#assignment"
    assert experiment.created_by == facilitator
    assert experiment.seed == 42
    # Midnight in Berlin: summer time (UTC+2) on the first day, winter time (UTC+1) after
    # the last day, which is inclusive.
    assert experiment.window_start == datetime.datetime(2026, 10, 19, 22, tzinfo=UTC)
    assert experiment.window_end == datetime.datetime(2026, 11, 30, 23, tzinfo=UTC)
    assert experiment.assignments.count() == 6
    detail = client.get(response.url).content.decode()
    assert "20 Oct 2026, 00:00 to 1 Dec 2026, 00:00 (Europe/Berlin)." in detail


def test_the_detail_shows_the_groups_by_team_and_the_creation_message(client, facilitator, cohort):
    enrol(cohort, 4, teams=("Billing", "Chat"))
    client.force_login(facilitator)
    client.post(NEW, _form(cohort=cohort.pk, seed="3"))

    page = client.get(reverse("web:experiment", args=[Experiment.objects.get().pk])).content
    html = page.decode()

    assert "4 agents assigned" in html  # the message, in the assignment section
    assert html.index("4 agents assigned") > html.index('id="assignment"')
    assert '<th scope="row">Billing</th>' in html
    assert '<th scope="row">Chat</th>' in html
    assert "<strong>2</strong> agents; control (business as usual): <strong>2</strong>" in html


def test_teams_split_within_teams(client, facilitator):
    billing, chat = TeamFactory(name="Billing"), TeamFactory(name="Chat")
    billing.managers.add(facilitator)
    chat.managers.add(facilitator)
    for team in (billing, billing, chat, chat):
        AgentFactory(team=team)
    client.force_login(facilitator)

    client.post(NEW, _form(teams=[billing.pk, chat.pk]))

    experiment = Experiment.objects.get()
    assert set(experiment.teams.all()) == {billing, chat}
    for team in (billing, chat):
        groups = experiment.assignments.filter(team=team).values_list("group", flat=True)
        assert sorted(groups) == ["control", "treatment"]


def test_both_a_cohort_and_teams_is_an_error_next_to_the_cohort(client, facilitator, cohort):
    team = TeamFactory(name="Billing")
    team.managers.add(facilitator)
    client.force_login(facilitator)

    response = client.post(NEW, _form(cohort=cohort.pk, teams=[team.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="cohort-errors"' in html
    assert "not both" in html
    assert 'aria-describedby="cohort-errors"' in html
    assert 'aria-describedby="seed-help"' in html  # help is announced too
    assert not Experiment.objects.exists()


def test_a_window_ending_before_it_starts_is_an_error(client, facilitator, cohort):
    client.force_login(facilitator)

    response = client.post(NEW, _form(cohort=cohort.pk, window_end="2026-11-01"))

    assert "must end on or after its first day" in response.content.decode()
    assert not Experiment.objects.exists()


def test_another_managers_cohort_and_team_are_not_choices(client, facilitator, cohort):
    other_cohort = CohortFactory(program=cohort.program, facilitators=[ManagerFactory()])
    other_team = TeamFactory(name="Not mine")
    other_team.managers.add(ManagerFactory())
    client.force_login(facilitator)

    by_cohort = client.post(NEW, _form(cohort=other_cohort.pk))
    by_team = client.post(NEW, _form(teams=[other_team.pk]))

    assert "valid choice" in by_cohort.content.decode()
    assert "valid choice" in by_team.content.decode()
    assert not Experiment.objects.exists()


def test_showing_a_programs_cohorts_narrows_the_choice_and_keeps_the_input(
    client, facilitator, cohort
):
    other = CohortFactory(name="Other program's", facilitators=[facilitator])
    client.force_login(facilitator)

    response = client.post(NEW, _form(program=cohort.program.pk, narrow="1"))

    html = response.content.decode()
    assert f'<option value="{cohort.pk}" data-program' in html
    assert f'<option value="{other.pk}" data-program' not in html
    assert 'value="Scripts pilot"' in html
    assert not Experiment.objects.exists()


def test_a_cohort_outside_the_chosen_program_is_an_error(client, facilitator, cohort):
    other = CohortFactory(name="Other program's", facilitators=[facilitator])
    client.force_login(facilitator)

    response = client.post(NEW, _form(program=cohort.program.pk, cohort=other.pk))

    assert "not in the chosen program" in response.content.decode()


def test_the_list_shows_only_experiments_in_scope(client, facilitator, cohort):
    enrol(cohort, 2)
    _experiment(cohort=cohort, name="Mine")
    theirs = CohortFactory(program=cohort.program, facilitators=[ManagerFactory()])
    _experiment(cohort=theirs, name="Theirs")
    client.force_login(facilitator)

    html = client.get(reverse("web:experiments")).content.decode()

    assert "Mine" in html
    assert "Theirs" not in html


def test_another_managers_experiment_is_404(client, facilitator, cohort):
    theirs = CohortFactory(program=cohort.program, facilitators=[ManagerFactory()])
    experiment = _experiment(cohort=theirs)
    client.force_login(facilitator)

    assert client.get(reverse("web:experiment", args=[experiment.pk])).status_code == 404


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
@pytest.mark.parametrize("name", ["web:experiments", "web:experiment-new"])
def test_other_roles_are_forbidden(client, factory, name):
    client.force_login(factory())

    assert client.get(reverse(name)).status_code == 403


def test_without_interactions_the_result_says_there_is_not_enough_data(client, facilitator, cohort):
    enrol(cohort, 4)
    experiment = _experiment(cohort=cohort)
    client.force_login(facilitator)

    html = client.get(reverse("web:experiment", args=[experiment.pk])).content.decode()

    assert "Not enough data yet" in html


def test_the_result_compares_the_groups(client, facilitator, cohort):
    enrol(cohort, 8)
    experiment = _experiment(cohort=cohort)
    seen = {"treatment": 0, "control": 0}
    for row in experiment.assignments.all():
        seen[row.group] += 1
        base = 4 if row.group == "treatment" else 1
        InteractionFactory(
            agent=row.agent,
            occurred_at=datetime.datetime(2026, 11, 10, tzinfo=UTC),
            csat=base + seen[row.group] % 2,
        )
    client.force_login(facilitator)

    html = client.get(reverse("web:experiment", args=[experiment.pk])).content.decode()

    assert "Agents with data</th><td>treatment 4, control 4" in html
    assert "Conclusive</span> The difference is statistically significant" in html


# --- Admin ---------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, role="manager")


def test_the_admin_add_form_assigns_the_agents(client, superuser, cohort):
    enrol(cohort, 4)
    client.force_login(superuser)

    response = client.post(reverse("admin:cohorts_experiment_add"), {
        "name": "Admin pilot", "cohort": cohort.pk,
        "window_start_0": "2026-11-02", "window_start_1": "00:00:00",
        "window_end_0": "2026-12-02", "window_end_1": "00:00:00", "seed": "9",
    })  # fmt: skip

    assert response.status_code == 302, response.content.decode()
    experiment = Experiment.objects.get()
    assert (experiment.seed, experiment.created_by) == (9, superuser)
    assert experiment.assignments.count() == 4


def test_the_admin_add_form_shows_the_services_rule(client, superuser, cohort):
    team = TeamFactory(name="Billing")
    client.force_login(superuser)

    response = client.post(reverse("admin:cohorts_experiment_add"), {
        "name": "Admin pilot", "cohort": cohort.pk, "teams": [team.pk],
        "window_start_0": "2026-11-02", "window_start_1": "00:00:00",
        "window_end_0": "2026-12-02", "window_end_1": "00:00:00",
    })  # fmt: skip

    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert not Experiment.objects.exists()


def test_the_admin_change_form_keeps_the_population_read_only(client, superuser, cohort):
    enrol(cohort, 2)
    experiment = _experiment(cohort=cohort)
    client.force_login(superuser)

    response = client.get(reverse("admin:cohorts_experiment_change", args=[experiment.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields) == ["name"]


def test_managers_do_not_see_experiments_in_the_admin(rf, facilitator):
    request = rf.get("/")
    request.user = facilitator
    facilitator.is_staff = True

    admin = site._registry[Experiment]
    assert not admin.has_add_permission(request)
    assert not admin.has_view_permission(request)
