"""The signed-in agent's plan."""

from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from cohorts import selectors
from cohorts.api.serializers import (
    PersonSerializer,
    RubricScoreRowSerializer,
)

# --- My plan -------------------------------------------------------------------------------


def _plan_item(item, zone):
    if item is None:
        return None
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "starts_at": item.starts_at.astimezone(zone).isoformat(),
        "ends_at": item.ends_at.astimezone(zone).isoformat(),
        "due_at": item.due_at.astimezone(zone).isoformat(),
        "location": item.location,
        "video_link": item.video_link,
    }


def _plan_dict(plan: selectors.Plan) -> dict:
    cohort = plan.enrollment.cohort
    zone = ZoneInfo(plan.enrollment.agent.time_zone or cohort.time_zone)
    module = plan.this_week_module
    progress = plan.progress
    return {
        "cohort": {"id": cohort.pk, "name": cohort.name, "program": cohort.program.name},
        "time_zone": str(zone),
        "current_phase": progress.current_phase,
        "this_week_module": module
        and {
            **_plan_item(module, zone),
            "prework_minutes": module.module.prework_minutes if module.module else None,
            "prework": module.module.prework_content if module.module else "",
            "practice_minutes": module.module.practice_minutes if module.module else None,
            "prework_done": plan.prework_done,
        },
        "upcoming": [_plan_item(item, zone) for item in plan.upcoming],
        "coaching_partners": PersonSerializer(plan.partners, many=True).data,
        "progress": {
            "done": progress.done,
            "due": progress.due,
            "overdue": progress.overdue,
            "total": len(progress.items),
            "percent_complete": progress.percent_complete,
        },
        # Written as the rubric-score list writes them, from `.values()` rows.
        "scores": RubricScoreRowSerializer(plan.scores, many=True).data,
    }


@extend_schema(responses=inline_serializer("MyPlan", {"plans": serializers.ListField()}))
@api_view(["GET"])
def my_plan(request):
    """The signed-in agent's plan: this week's module and pre-work, upcoming sessions in
    their local time, this week's coaching partner, progress and scores so far."""
    plans = selectors.my_plan(
        user=request.user, now=timezone.now(), score_columns=RubricScoreRowSerializer.COLUMNS
    )
    return Response({"plans": [_plan_dict(plan) for plan in plans]})
