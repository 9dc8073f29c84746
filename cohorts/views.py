"""The agent's web page: my plan for this week."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.calendar import feed_url
from accounts.models import Notification
from certification import openbadges
from certification.models import BadgeAssertion
from certification.services import certification_status
from cohorts import selectors, services
from cohorts.models import Enrollment, RubricScore, ScheduleItem


def _require_agent(user):
    if user.role != user.Role.AGENT:
        raise PermissionDenied("“My plan” is for agents.")


def _local(moment, zone):
    return moment.astimezone(zone) if moment else None


@login_required
def plan(request):
    """This week's module and pre-work, sessions, coaching partner, scores, certification
    progress criterion by criterion, badges, notifications and the calendar link."""
    _require_agent(request.user)
    now = timezone.now()
    zone = ZoneInfo(request.user.time_zone or "UTC")
    plans = []
    for entry in selectors.my_plan(user=request.user, now=now):
        status = certification_status(enrollment=entry.enrollment, now=now)
        plans.append(
            {
                "plan": entry,
                # Due at local midnight: shown as the last minute of the day before.
                "module_due": _local(
                    entry.this_week_module
                    and entry.this_week_module.due_at - datetime.timedelta(minutes=1),
                    zone,
                ),
                "upcoming": [
                    {"item": item, "starts": _local(item.starts_at, zone)}
                    for item in entry.upcoming
                ],
                "certification": status,
                "criteria_met": sum(c.met for c in status.criteria),
            }
        )
    badges = [
        {
            "badge": badge,
            "verify": openbadges.verify_url(badge),
            "baked": openbadges.baked_url(badge),
        }
        for badge in BadgeAssertion.objects.filter(recipient=request.user).select_related(
            "badge_class"
        )
    ]
    context = {
        "nav": "plan",
        "plans": plans,
        "zone": zone,
        "badges": badges,
        "notifications": Notification.objects.filter(user=request.user, read_at__isnull=True)[:5],
        "calendar_url": feed_url(request.user),
    }
    return render(request, "cohorts/plan.html", context)


@login_required
@require_POST
def plan_prework_done(request, item_id):
    """Mark this week's pre-work done, then back to the plan."""
    _require_agent(request.user)
    item = get_object_or_404(ScheduleItem, pk=item_id, kind=ScheduleItem.Kind.MODULE)
    enrollment = get_object_or_404(
        Enrollment, cohort=item.cohort, agent=request.user, status=Enrollment.Status.ACTIVE
    )
    try:
        services.prework_mark_done(enrollment=enrollment, item=item)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"Pre-work for “{item.title}” is marked done.")
    return redirect("web:plan")


@login_required
@require_POST
def plan_score_acknowledge(request, score_id):
    """The agent confirms they read a score's feedback, then back to the plan."""
    _require_agent(request.user)
    score = get_object_or_404(RubricScore, pk=score_id, subject=request.user)
    services.rubric_score_acknowledge(score=score, agent=request.user)
    messages.success(request, "Thank you: your coach can see you read the feedback.")
    return redirect("web:plan")


@login_required
@require_POST
def plan_calendar(request):
    """Create (or replace) the private calendar-feed link."""
    from accounts.calendar import calendar_token_regenerate

    calendar_token_regenerate(user=request.user)
    messages.success(request, "Your private calendar link is ready; the old one stopped working.")
    return redirect("web:plan")
