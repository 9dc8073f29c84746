"""A/B experiments: random assignment within teams."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from cohorts.models import (
    Cohort,
    Enrollment,
)
from cohorts.services.coaching import coaching_pairs_generate

# --- Experiments ---------------------------------------------------------------------------


def experiment_target_errors(*, cohort: Cohort | None, teams=()) -> dict[str, list[str]]:
    """Why these agents cannot be an experiment's population, by field; empty when they can.
    Forms (the page, the admin) call it to show the error next to the field."""
    if (cohort is None) == (not teams):
        return {"cohort": ["Choose a cohort or some teams (not both)."]}
    return {}


@transaction.atomic
def experiment_create(
    *,
    name: str,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    cohort: Cohort | None = None,
    teams=(),
    seed: int | None = None,
    created_by: User | None = None,
):
    """Split the agents of a cohort (or of some teams) at random into treatment and control,
    within each team so both groups have the same mix; the seed is recorded.

    Control agents are left out of coaching pairs (future weeks are re-drawn now) and their
    modules and coaching weeks in the window do not count against their progress.
    """
    import random

    from cohorts.models import Experiment, ExperimentAssignment

    if errors := experiment_target_errors(cohort=cohort, teams=teams):
        raise ValidationError(errors)
    experiment = Experiment(
        name=name,
        cohort=cohort,
        window_start=window_start,
        window_end=window_end,
        seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
        created_by=created_by,
    )
    experiment.full_clean()
    experiment.save()
    experiment.teams.set(teams)
    if cohort is not None:
        agents = User.objects.filter(
            enrollments__cohort=cohort, enrollments__status=Enrollment.Status.ACTIVE
        )
    else:
        agents = User.objects.filter(team__in=teams, role=User.Role.AGENT, is_active=True)
    by_team: dict[int | None, list[User]] = {}
    for agent in agents.order_by("pk").distinct():
        by_team.setdefault(agent.team_id, []).append(agent)
    rng = random.Random(experiment.seed)
    rows, offset = [], 0
    for team_id in sorted(by_team, key=lambda t: (t is None, t)):
        members = by_team[team_id]
        rng.shuffle(members)
        for index, agent in enumerate(members):
            # Alternate which group gets a team's odd one out, so totals stay balanced.
            treatment = (index + offset) % 2 == 0
            group = (
                ExperimentAssignment.Group.TREATMENT
                if treatment
                else ExperimentAssignment.Group.CONTROL
            )
            rows.append(
                ExperimentAssignment(
                    experiment=experiment, agent=agent, team_id=team_id, group=group
                )
            )
        offset += len(members) % 2
    ExperimentAssignment.objects.bulk_create(rows)
    for running in Cohort.objects.filter(
        status__in=Cohort.STARTED_STATUSES, enrollments__agent__in=[r.agent for r in rows]
    ).distinct():
        coaching_pairs_generate(cohort=running)
    return experiment
