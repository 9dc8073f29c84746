"""A cohort's certification queue: who may book the live role-play, the role-plays booked
and assessed, and the certification decisions, which appear once an assessment commits.

Training managers see the cohorts in their scope in full; an assessor (coach or manager)
sees the role-plays assigned to them in any cohort. Agents and HR are refused (403); any
other cohort answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.models import User
from certification.selectors import certification_queue
from cohorts.models import Cohort
from cohorts.scope import managed_cohorts, manages_cohort


def _queue_cohorts(user):
    """The cohorts whose queue `user` opens: their own, and those they assess in."""
    if not (user.is_manager or user.role == User.Role.COACH):
        raise PermissionDenied("The certification queue is for managers and assessors.")
    assessing = Q(enrollments__role_plays__assessor=user)
    return Cohort.objects.filter(Q(pk__in=managed_cohorts(user=user)) | assessing).distinct()


@login_required
def certification_queue_page(request, cohort_id):
    user = request.user
    cohort = get_object_or_404(_queue_cohorts(user).select_related("program"), pk=cohort_id)
    queue = certification_queue(cohort=cohort, user=user)
    return render(
        request,
        "certification/queue.html",
        {
            "nav": "cohorts" if user.is_manager else "reviews",
            "cohort": cohort,
            "queue": queue,
            "full": manages_cohort(user=user, cohort=cohort),
            "now": timezone.now(),
        },
    )
