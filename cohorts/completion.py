"""The completion rule applied to agents: what each one still misses.

The rule lives on the program (programs.Program.completion_*); the items counted are the
ones progress counts (cohorts.selectors): workshops attended, modules with pre-work and
live practice done, coaching weeks held with a partner. An empty minimum means all of an
agent's items of that kind that are due (an experiment's control group has no modules or
coaching); a minimum is capped at that number, so nobody is asked for more than they had.
"""

from django.utils import timezone

from cohorts.models import Cohort, Enrollment, ScheduleItem
from cohorts.selectors import due_progress_by_kind

KINDS = (
    (ScheduleItem.Kind.WORKSHOP, "completion_workshops_min", "workshops attended"),
    (ScheduleItem.Kind.MODULE, "completion_modules_min", "modules completed"),
    (ScheduleItem.Kind.COACHING, "completion_coaching_min", "coaching sessions held"),
)


def missing_items(
    *, due_by_kind: dict[str, tuple[int, int]], program, certified: bool
) -> list[str]:
    """What the rule still asks of one agent, in words; empty when they completed.
    `due_by_kind`: item kind -> (done, due) over the agent's items due by now (at the
    cohort's end that is all of them; a cohort closed early asks nobody for sessions that
    never happened)."""
    missing = []
    for kind, field, label in KINDS:
        done, due = due_by_kind.get(kind, (0, 0))
        wanted = getattr(program, field)
        needed = due if wanted is None else min(wanted, due)
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
    ids = [e.pk for e in enrollments]
    counts = due_progress_by_kind(cohort=cohort, now=now, enrollment_ids=ids)
    certified = certified_enrollments(ids)
    return {
        pk: missing_items(due_by_kind=counts[pk], program=cohort.program, certified=pk in certified)
        for pk in ids
    }
