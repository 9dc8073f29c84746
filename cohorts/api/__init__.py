"""REST API for cohorts: enrolment, the dated schedule, progress, coaching and scores.

Every queryset is scoped to the requesting user first (cohorts/selectors/): a manager
sees the cohorts they facilitate, an agent only their own enrolments, plan, pairs and
the scores about them. Anything else answers 404. Split by sub-domain; the public names
are importable from `cohorts.api`.
"""

from cohorts.api.coaching import CoachingPairViewSet, RubricScoreViewSet
from cohorts.api.cohorts import CohortViewSet, EnrollmentViewSet, ScheduleItemViewSet
from cohorts.api.invitations import InvitationViewSet
from cohorts.api.plan import my_plan
from cohorts.api.refreshers import RefresherScheduleViewSet
from cohorts.api.serializers import PersonSerializer, RubricScoreSerializer

__all__ = [
    "CoachingPairViewSet",
    "CohortViewSet",
    "EnrollmentViewSet",
    "InvitationViewSet",
    "PersonSerializer",
    "RefresherScheduleViewSet",
    "RubricScoreSerializer",
    "RubricScoreViewSet",
    "ScheduleItemViewSet",
    "my_plan",
]
