"""A person's cohort events for their calendar feed: sessions and module due dates."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from accounts.calendar import CalendarEvent
from cohorts.models import CoachingPairMember, Enrollment, ScheduleItem


def item_event(item: ScheduleItem) -> CalendarEvent:
    details = {
        "uid": f"attune-scheduleitem-{item.pk}@attune",
        "sequence": item.sequence,
        "cancelled": item.cancelled,
        "location": item.location or item.video_link,
        "url": item.video_link,
    }
    if item.kind == ScheduleItem.Kind.MODULE:
        # A due date is a whole day: the last day of the module's week, locally.
        last_day = (item.due_at - datetime.timedelta(seconds=1)).astimezone(
            ZoneInfo(item.cohort.time_zone)
        )
        return CalendarEvent(
            summary=f"Due: {item.title}",
            start=last_day.date(),
            end=last_day.date() + datetime.timedelta(days=1),
            description="Pre-work and live practice for this week's module.",
            **details,
        )
    return CalendarEvent(
        summary=item.title,
        start=item.starts_at,
        end=item.ends_at
        if item.kind == ScheduleItem.Kind.WORKSHOP
        else item.starts_at + datetime.timedelta(minutes=30),
        description=f"{item.get_kind_display()} of {item.cohort.name}",
        **details,
    )


def events_for(user) -> list[CalendarEvent]:
    """Workshops and due dates of the cohorts the person is in or facilitates, and the
    coaching sessions of the weeks they have a partner."""
    enrolled = Enrollment.objects.filter(agent=user).exclude(status=Enrollment.Status.WITHDRAWN)
    weeks = CoachingPairMember.objects.filter(enrollment__in=enrolled).values("pair__item")
    items = (
        ScheduleItem.objects.filter(
            Q(cohort__enrollments__in=enrolled, kind__in=["workshop", "module"])
            | Q(pk__in=weeks)
            | Q(cohort__facilitators=user, kind__in=["workshop", "module"])
        )
        .select_related("cohort")
        .distinct()
        .order_by("starts_at", "id")
    )
    return [item_event(item) for item in items]
