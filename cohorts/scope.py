"""A training manager's scope: the one place that says what a manager may act on.

A training manager may read and change people's data only inside their scope:

- the **cohorts they facilitate** (`Cohort.facilitators`), and everything that hangs off
  them: enrolments, the schedule, coaching pairs, rubric scores, role-plays,
  certification decisions, experiments and baselines drawn for those cohorts;
- the **teams they manage** (`Team.managers`): experiments and baselines for a team;
- the **agents** of those cohorts (whatever the enrolment's status) and of those teams:
  their interactions and baseline samples.

Superusers have everything in scope. Programs, rubrics, scenario cards and micro-scripts are
the organisation's curriculum, hold no one's personal data, and are read and written by
every training manager (each change is in the audit trail).

Every selector, API view, page, admin screen and export that scopes a manager's data
builds on these functions; nothing else spells the rule out again.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import Team
from cohorts.models import Cohort, Enrollment, RefresherSchedule


def _is_manager(user) -> bool:
    return bool(user and user.is_authenticated and user.is_manager)


def managed_cohorts(*, user) -> QuerySet[Cohort]:
    """The cohorts `user` facilitates (every cohort for a superuser)."""
    if not _is_manager(user):
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    return Cohort.objects.filter(facilitators=user)


def managed_cohort_ids(*, user) -> QuerySet | RawSQL:
    """The ids of `managed_cohorts(user=...)`, for a `cohort__in=` filter: read from the
    facilitators table alone, without joining the cohorts (the list of a cohort's history,
    rubric scores, filters its first page by it on every request)."""
    if not _is_manager(user):
        return Cohort.objects.none().values("pk")
    if user.is_superuser:
        return Cohort.objects.values("pk")
    return _facilitated(user)


def managed_refresher_schedules(*, user) -> QuerySet[RefresherSchedule]:
    """The recurring refreshers `user` facilitates (every one for a superuser): like the
    cohorts they open, a schedule is read and changed by its facilitators only."""
    if not _is_manager(user):
        return RefresherSchedule.objects.none()
    if user.is_superuser:
        return RefresherSchedule.objects.all()
    return RefresherSchedule.objects.filter(facilitators=user)


def managed_teams(*, user) -> QuerySet[Team]:
    """The teams `user` manages (every team for a superuser)."""
    if not _is_manager(user):
        return Team.objects.none()
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(managers=user)


def managed_agents(*, user) -> QuerySet:
    """Agents enrolled in a cohort `user` facilitates, or members of a team they manage."""
    User = get_user_model()
    agents = User.objects.filter(role=User.Role.AGENT)
    if not _is_manager(user):
        return agents.none()
    if user.is_superuser:
        return agents
    # Two subqueries, no join: each agent appears once without a DISTINCT, so a list of
    # their rows (interactions, scores) can stop at its first page instead of sorting the
    # whole scope first. They read the many-to-many tables themselves: joining the cohorts
    # and teams as well made every query in scope (a list's count and its page) ~1 ms
    # slower on a 5,000-agent cohort, and told nothing more.
    in_cohorts = Enrollment.objects.filter(cohort_id__in=_facilitated(user)).values("agent")
    return agents.filter(Q(pk__in=in_cohorts) | Q(team_id__in=_managed_team_ids(user)))


# The two facts a manager's scope starts from, as plain subqueries of the many-to-many
# tables. Written as SQL rather than querysets: Django resolved and relabelled the nested
# querysets of a scope on every request (~0.6 ms of the ~4 ms of a list's first page), and
# these say nothing the ORM would add to (no join, no alias, no correlation).
def _facilitated(user) -> RawSQL:
    table = connection.ops.quote_name(Cohort.facilitators.through._meta.db_table)
    return RawSQL(f"SELECT cohort_id FROM {table} WHERE user_id = %s", (user.pk,))


def _managed_team_ids(user) -> RawSQL:
    table = connection.ops.quote_name(Team.managers.through._meta.db_table)
    return RawSQL(f"SELECT team_id FROM {table} WHERE user_id = %s", (user.pk,))


def manages_cohort(*, user, cohort: Cohort) -> bool:
    return managed_cohorts(user=user).filter(pk=cohort.pk).exists()


def manages_team(*, user, team: Team) -> bool:
    return managed_teams(user=user).filter(pk=team.pk).exists()


def manages_agent(*, user, agent) -> bool:
    return managed_agents(user=user).filter(pk=agent.pk).exists()


def scorable_agents(*, user) -> QuerySet:
    """Agents `user` may record a QA, baseline or role-play score about: a manager's own
    agents; for a coach (an organisation-wide QA reviewer) any active agent."""
    User = get_user_model()
    if _is_manager(user):
        return managed_agents(user=user)
    if user.is_authenticated and user.role == User.Role.COACH:
        return User.objects.filter(role=User.Role.AGENT, is_active=True)
    return User.objects.none()


def directory_visible_to(*, user) -> QuerySet:
    """The people a manager may look up: their own agents, and the coaches and managers
    they work with (to name reviewers, assessors and co-facilitators). Not HR, not other
    managers' agents."""
    User = get_user_model()
    if not _is_manager(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    colleagues = Q(role__in=[User.Role.COACH, User.Role.MANAGER])
    return User.objects.filter(colleagues | Q(pk__in=managed_agents(user=user).values("pk")))
