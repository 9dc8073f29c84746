"""The completion rule applied to agents: what each one still misses.

The rule lives on the program (programs.Program.completion_*); the items counted are the
ones progress counts (cohorts.selectors): workshops attended, modules with pre-work and
live practice done, coaching weeks held with a partner. An empty minimum means all of an
agent's items of that kind that are due (an experiment's control group has no modules or
coaching); a minimum is capped at that number, so nobody is asked for more than they had.
"""

from django.utils import timezone

from cohorts.models import Cohort, Enrollment, ScheduleItem
from cohorts.selectors import AgentProgress, _CohortFacts

KINDS = (
    (ScheduleItem.Kind.WORKSHOP, "completion_workshops_min", "workshops attended"),
    (ScheduleItem.Kind.MODULE, "completion_modules_min", "modules completed"),
    (ScheduleItem.Kind.COACHING, "completion_coaching_min", "coaching sessions held"),
)


def missing_items(*, progress: AgentProgress, program, certified: bool) -> list[str]:
    """What the rule still asks of one agent, in words; empty when they completed."""
    missing = []
    for kind, field, label in KINDS:
        # Only items due by now: at the cohort's end that is all of them; a cohort closed
        # early asks nobody for sessions that never happened.
        states = [state for state in progress.items if state.item.kind == kind and state.due]
        wanted = getattr(program, field)
        needed = len(states) if wanted is None else min(wanted, len(states))
        done = sum(state.done for state in states)
        if done < needed:
            missing.append(f"{label}: {done} of {needed} needed")
    if program.completion_requires_certification and not certified:
        missing.append("certification")
    return missing


def certified_enrollments(enrollments) -> set[int]:
    """Enrolments with a certification decision in force."""
    # Certification depends on cohorts; read its table lazily to keep imports one way.
    from certification.models import CertificationDecision

    return set(
        CertificationDecision.objects.filter(
            enrollment__in=enrollments, revoked_at__isnull=True
        ).values_list("enrollment_id", flat=True)
    )


def cohort_missing_items(
    *, cohort: Cohort, enrollments: list[Enrollment], now=None
) -> dict[int, list[str]]:
    """Enrolment id -> what it still misses, for the given enrolments of one cohort, in a
    fixed number of queries."""
    now = now or timezone.now()
    facts = _CohortFacts(cohort, enrollments)
    certified = certified_enrollments([e.pk for e in enrollments])
    return {
        enrollment.pk: missing_items(
            progress=facts.agent_progress(cohort, enrollment, now),
            program=cohort.program,
            certified=enrollment.pk in certified,
        )
        for enrollment in enrollments
    }
