"""Role-play appointments for the calendar feeds of the agent and the assessor."""

import datetime

from django.db.models import Q

from accounts.calendar import CalendarEvent
from certification.models import RolePlayAssessment

ROLE_PLAY_LENGTH = datetime.timedelta(minutes=30)


def events_for(user) -> list[CalendarEvent]:
    plays = (
        RolePlayAssessment.objects.filter(Q(enrollment__agent=user) | Q(assessor=user))
        .filter(scheduled_at__isnull=False)
        .select_related("enrollment__agent", "scenario")
    )
    return [
        CalendarEvent(
            uid=f"attune-roleplay-{play.pk}@attune",
            summary=f"Certification role-play: {play.enrollment.agent}",
            start=play.scheduled_at,
            end=play.scheduled_at + ROLE_PLAY_LENGTH,
            description=f"Scenario: {play.scenario.title}",
        )
        for play in plays
    ]
