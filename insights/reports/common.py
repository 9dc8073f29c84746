"""What every report shares: the reader's scope (`Scope`, `scope_for`) and the privacy
rule that withholds a figure with fewer than MIN_GROUP contributors."""

import datetime
from dataclasses import dataclass

from accounts.models import User
from cohorts.models import (
    Enrollment,
)
from cohorts.scope import managed_cohorts

MIN_GROUP = 5
SUPPRESSED = f"suppressed: fewer than {MIN_GROUP} agents"
RISK_POINTS_DAYS = [0, 90, 180, 365, 730]
LANDMARK_DAYS = 90  # retention is followed from this many days after the cohort's day 1
RUBRIC_POINTS = 5  # the rubric average is also shown on the domain's five-point scale


@dataclass(frozen=True)
class Scope:
    """Who is asking and what they filtered on. `cohorts` is None for "all cohorts"."""

    cohorts: frozenset[int] | None
    program: int | None = None
    team: int | None = None
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    detail: bool = False  # per-agent rows allowed (managers), never for HR

    def enrollments(self):
        enrollments = Enrollment.objects.all()
        if self.cohorts is not None:
            enrollments = enrollments.filter(cohort__in=self.cohorts)
        if self.program:
            enrollments = enrollments.filter(program=self.program)
        if self.team:
            enrollments = enrollments.filter(agent__team=self.team)
        return enrollments

    def agents(self):
        """Agents in scope: enrolled ones, or with only a team filter, the team."""
        if self.cohorts is None and not self.program:
            agents = User.objects.filter(role=User.Role.AGENT)
            return agents.filter(team=self.team) if self.team else agents
        return User.objects.filter(pk__in=self.enrollments().values("agent"))

    def hidden(self, contributors: int) -> bool:
        """Whether a figure from this many agents is withheld from the reader."""
        return not self.detail and contributors < MIN_GROUP


def _suppress(figure: dict, agents: int, notes: list, label: str) -> dict:
    if agents >= MIN_GROUP:
        return figure
    notes.append(f"{label}: {SUPPRESSED}")
    return {
        key: (value if key in ("label", "cohort", "group") else None)
        for key, value in figure.items()
    }


# --- Scoping helper ------------------------------------------------------------------------


def scope_for(user, *, program=None, cohort=None, team=None, start=None, end=None) -> Scope:
    """HR reads every cohort in aggregate; a manager reads the cohorts they facilitate,
    with per-agent detail."""
    if user.is_superuser or user.is_hr:
        cohorts = None if cohort is None else frozenset([cohort])
        return Scope(cohorts, program, team, start, end, detail=user.is_superuser)
    facilitated = set(managed_cohorts(user=user).values_list("pk", flat=True))
    chosen = facilitated if cohort is None else facilitated & {cohort}
    return Scope(frozenset(chosen), program, team, start, end, detail=True)
