"""Operations on cohorts: opening and starting them, enrolment, progress, coaching, scores
and experiments. Every function is atomic, takes keyword arguments and raises
ValidationError with field names for anything a user got wrong.

The package is split by sub-domain; everything is importable from `cohorts.services`.
"""

from django.core.exceptions import ValidationError

from cohorts.services.closeout import cohort_close, cohort_extend, cohort_status_sweep
from cohorts.services.coaching import (
    coaching_pairs_generate,
    coaching_session_record,
    peer_score_create,
)
from cohorts.services.experiments import experiment_create
from cohorts.services.lifecycle import (
    CLOSED_STATUSES,
    cohort_create,
    cohort_reschedule,
    cohort_resync,
    cohort_start,
    enrollment_enroll,
    enrollment_reactivate,
    enrollment_withdraw,
)
from cohorts.services.progress import (
    attendance_record,
    practice_record,
    prework_mark_done,
    schedule_item_move,
)
from cohorts.services.refreshers import (
    refresher_open,
    refresher_schedule_create,
    refresher_schedule_update,
    refreshers_open_due,
)
from cohorts.services.scores import (
    rubric_percent,
    rubric_score_acknowledge,
    rubric_score_create,
    rubric_score_week_add,
    rubric_score_weeks_rebuild,
    rubric_values_errors,
)

__all__ = [
    "CLOSED_STATUSES",
    "ValidationError",
    "attendance_record",
    "coaching_pairs_generate",
    "coaching_session_record",
    "cohort_close",
    "cohort_create",
    "cohort_extend",
    "cohort_reschedule",
    "cohort_resync",
    "cohort_start",
    "cohort_status_sweep",
    "enrollment_enroll",
    "enrollment_reactivate",
    "enrollment_withdraw",
    "experiment_create",
    "peer_score_create",
    "practice_record",
    "prework_mark_done",
    "refresher_open",
    "refresher_schedule_create",
    "refresher_schedule_update",
    "refreshers_open_due",
    "rubric_percent",
    "rubric_score_acknowledge",
    "rubric_score_create",
    "rubric_score_week_add",
    "rubric_score_weeks_rebuild",
    "rubric_values_errors",
    "schedule_item_move",
]
