"""Which models the audit trail follows, and which of their fields.

django-auditlog records a create, update or delete of a registered model through Django's
model signals (`save()`, `create()`, `delete()` and many-to-many changes), with the actor
of the request (`audit.middleware`) or none for management commands and Celery tasks.

Not followed, on purpose:

- rows derived from something already recorded, rebuilt by the code that owns them:
  the dated schedule (`schedule_sync`, from the cohort and the program), coaching pairs
  and experiment assignments (from the recorded seed), baseline samples (from the
  recorded baseline assessment);
- progress records (pre-work, live practice, attendance): each row carries who recorded
  it and when, they are written in bulk, and there is one per agent per item;
- helpdesk interactions: imported by the million, they are observations, not settings;
- enrolment status changes already have their own history (`EnrollmentEvent`), and are
  recorded here too since they are saves of `Enrollment`;
- reminders, notifications and badges: written by the system, each row is its own record.

Bulk writes (`bulk_create`, `bulk_update`, `QuerySet.update()`) send no signals; none of
the followed models is written that way by a person (see docs/audit-trail.md).
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.models import Group

# (model, options) for each followed model; options go to `auditlog.register`.
TRACKED = [
    # Curriculum: everything a training manager edits.
    ("programs.Program", {}),
    ("programs.Phase", {}),
    ("programs.Workshop", {}),
    ("programs.Module", {}),
    ("programs.Rubric", {}),
    ("programs.RubricCriterion", {}),
    ("programs.ScenarioCard", {}),
    ("programs.MicroScript", {}),
    # Cohorts and what happens in them.
    ("cohorts.Cohort", {"m2m_fields": {"facilitators"}}),
    ("cohorts.Enrollment", {}),
    ("cohorts.ScheduleItem", {}),
    ("cohorts.RubricScore", {}),
    ("cohorts.Experiment", {"m2m_fields": {"teams"}}),
    # Certification. A decision's evidence is an immutable snapshot stored on the row.
    ("certification.CertificationGate", {"m2m_fields": {"required_modules"}}),
    ("certification.RolePlayAssessment", {}),
    ("certification.CertificationDecision", {"exclude_fields": ["evidence"]}),
    # Helpdesk badge links: who made and revoked them; never what makes the secret.
    ("certification.BadgeLink", {"exclude_fields": ["salt", "token_digest"]}),
    # Insights: who draws baselines and runs calibration, and with whom.
    ("insights.BaselineAssessment", {"m2m_fields": {"reviewers"}}),
    ("insights.CalibrationSession", {"m2m_fields": {"reviewers"}}),
    ("insights.CalibrationConsensus", {}),
    # QA reviews: plans, who reviews what (reassign, skip, submit) and disputes. A review's
    # draft is private to its reviewer until submitted, so its draft fields are left out.
    ("reviews.ReviewPlan", {"m2m_fields": {"coaches"}}),
    (
        "reviews.ReviewAssignment",
        {"exclude_fields": ["draft_values", "draft_comments", "draft_strength", "draft_next_step"]},
    ),
    ("reviews.Dispute", {}),
    # People: only what decides what someone may do. Never the password hash.
    (
        "accounts.User",
        {
            "include_fields": ["role", "is_staff", "is_superuser", "is_active", "team"],
            "m2m_fields": {"groups", "user_permissions"},
        },
    ),
    ("accounts.Team", {"m2m_fields": {"managers"}}),
]


# Never recorded on any model, whatever its registration says.
NEVER_RECORDED = ["password", "last_login"]


def _register(model, include_fields=None, exclude_fields=(), **options) -> None:
    # auditlog would otherwise diff reverse relations too, recording "cohort.scores: None
    # -> cohorts.RubricScore.None" on every create: only the model's own columns count.
    columns = [field.name for field in model._meta.concrete_fields if not field.primary_key]
    auditlog.register(
        model,
        include_fields=include_fields or columns,
        exclude_fields=[*exclude_fields, *NEVER_RECORDED],
        **options,
    )


def register_tracked_models() -> None:
    for label, options in TRACKED:
        _register(apps.get_model(label), **options)
    _register(Group, m2m_fields={"permissions"})
