"""Reads of the audit trail, scoped to who asks.

Superusers read every entry. A training manager reads the entries about objects in their
scope: the organisation's curriculum (programs and their parts, rubrics, gates), and the
cohorts they facilitate with everything recorded under them. Entries about people (roles,
staff and superuser flags, groups, permissions, teams) are for superusers only. Everyone
else reads nothing.

An entry names its object by content type and id, so the scope is the set of ids each
model's own selector lets the manager see, as a subquery: one SQL query however many
objects that is. An object deleted since then is no longer in anyone's scope but a
superuser's, since its selector cannot find it.
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from certification.badge_links import links_visible_to
from certification.models import CertificationGate
from certification.selectors import assessment_visible_to, decision_visible_to
from cohorts.scope import managed_cohorts
from cohorts.selectors import (
    enrollment_visible_to,
    experiment_visible_to,
    rubric_score_visible_to,
    schedule_item_visible_to,
)
from insights.models import CalibrationConsensus
from insights.selectors import baseline_visible_to, calibration_visible_to
from programs.models import (
    MicroScript,
    Module,
    Phase,
    Program,
    Rubric,
    RubricCriterion,
    ScenarioCard,
    Workshop,
)
from reviews.assignment import plans_visible_to
from reviews.disputes import disputes_visible_to
from reviews.selectors import assignment_visible_to

# The organisation's curriculum: every training manager reads and writes all of it.
CURRICULUM = (
    Program,
    Phase,
    Workshop,
    Module,
    Rubric,
    RubricCriterion,
    ScenarioCard,
    MicroScript,
    CertificationGate,
)


def visible_objects(*, user) -> dict[type[Model], QuerySet]:
    """For each model whose entries a (non-superuser) manager may read, the objects of it
    they may see. Curriculum models are not listed: they are visible whole.

    The one place that maps the audit trail onto a manager's scope.
    """
    scoped = [
        managed_cohorts(user=user),
        enrollment_visible_to(user=user),
        schedule_item_visible_to(user=user),
        rubric_score_visible_to(user=user),
        experiment_visible_to(user=user),
        assessment_visible_to(user=user),
        decision_visible_to(user=user),
        links_visible_to(user=user),
        baseline_visible_to(user=user),
        calibration_visible_to(user=user),
        CalibrationConsensus.objects.filter(session__in=calibration_visible_to(user=user)),
        plans_visible_to(user=user),
        assignment_visible_to(user=user),
        disputes_visible_to(user=user),
    ]
    return {objects.model: objects for objects in scoped}


def audit_entry_visible_to(*, user) -> QuerySet[LogEntry]:
    entries = LogEntry.objects.select_related("content_type", "actor")
    if not (user.is_authenticated and user.is_manager):
        return entries.none()
    if user.is_superuser:
        return entries
    scoped = visible_objects(user=user)
    types = ContentType.objects.get_for_models(*CURRICULUM, *scoped)
    visible = Q(content_type__in=[types[model] for model in CURRICULUM])
    for model, objects in scoped.items():
        visible |= Q(content_type=types[model], object_id__in=objects.values("pk"))
    return entries.filter(visible)
