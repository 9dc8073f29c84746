"""A training manager's scope (cohorts/scope.py): the one definition everything builds on."""

import pytest

from cohorts import scope
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_manager_manages_the_cohorts_they_facilitate_and_no_other():
    manager = ManagerFactory()
    mine = CohortFactory(facilitators=[manager])
    CohortFactory(facilitators=[ManagerFactory()])

    assert list(scope.managed_cohorts(user=manager)) == [mine]


def test_a_manager_manages_the_teams_they_are_named_on_and_no_other():
    manager = ManagerFactory()
    mine = TeamFactory()
    mine.managers.add(manager)
    TeamFactory().managers.add(ManagerFactory())

    assert list(scope.managed_teams(user=manager)) == [mine]
    assert scope.manages_team(user=manager, team=mine)


def test_managed_agents_are_their_cohorts_agents_and_their_teams_agents_only():
    manager = ManagerFactory()
    cohort = CohortFactory(facilitators=[manager])
    in_cohort = EnrollmentFactory(cohort=cohort).agent
    team = TeamFactory()
    team.managers.add(manager)
    in_team = AgentFactory(team=team)
    UserFactory(role="coach", team=team)  # a coach on the team is not an agent in scope
    elsewhere = EnrollmentFactory(cohort=CohortFactory()).agent

    agents = set(scope.managed_agents(user=manager))

    assert agents == {in_cohort, in_team}
    assert not scope.manages_agent(user=manager, agent=elsewhere)


def test_a_withdrawn_agent_stays_in_their_facilitators_scope():
    manager = ManagerFactory()
    enrollment = EnrollmentFactory(cohort=CohortFactory(facilitators=[manager]))
    enrollment.status = "withdrawn"
    enrollment.save()

    assert scope.manages_agent(user=manager, agent=enrollment.agent)


@pytest.mark.parametrize("make_user", [AgentFactory, HRFactory, lambda: UserFactory(role="coach")])
def test_people_who_are_not_managers_manage_nothing(make_user):
    user = make_user()
    cohort = CohortFactory(facilitators=[user])
    team = TeamFactory()
    team.managers.add(user)
    EnrollmentFactory(cohort=cohort)

    assert not scope.managed_cohorts(user=user).exists()
    assert not scope.managed_teams(user=user).exists()
    assert not scope.managed_agents(user=user).exists()


def test_a_superuser_manages_everything():
    root = UserFactory(is_superuser=True, is_staff=True)
    cohort = CohortFactory()
    agent = EnrollmentFactory(cohort=cohort).agent

    assert scope.manages_cohort(user=root, cohort=cohort)
    assert scope.manages_agent(user=root, agent=agent)


def test_interactions_a_manager_reads_follow_the_scope():
    from insights.selectors import interaction_visible_to

    manager = ManagerFactory()
    team = TeamFactory()
    team.managers.add(manager)
    mine = InteractionFactory(agent=AgentFactory(team=team))
    InteractionFactory()

    assert list(interaction_visible_to(user=manager)) == [mine]
