"""Reads of programs, scoped to who is asking."""

from django.db.models import Prefetch, QuerySet

from programs.models import Module, Phase, Program, Rubric, RubricCriterion, Workshop


def program_visible_to(*, user) -> QuerySet[Program]:
    """Managers see every program; everyone else signed in sees published ones only."""
    if not user.is_authenticated:
        return Program.objects.none()
    programs = Program.objects.all()
    if not user.is_manager:
        programs = programs.filter(status=Program.Status.PUBLISHED)
    return programs


def program_detail_queryset(*, user) -> QuerySet[Program]:
    """Programs with everything needed to show a whole program, in a fixed number of queries."""
    return (
        program_visible_to(user=user)
        .select_related("owner", "rubric")
        .prefetch_related(
            Prefetch(
                "phases",
                queryset=Phase.objects.order_by("order").prefetch_related(
                    Prefetch("workshops", queryset=Workshop.objects.order_by("order", "id")),
                    Prefetch("modules", queryset=Module.objects.order_by("week", "id")),
                ),
            ),
            Prefetch("rubric__criteria", queryset=RubricCriterion.objects.order_by("order", "id")),
            "scenario_cards",
            "micro_scripts",
        )
    )


def rubric_visible_to(*, user) -> QuerySet[Rubric]:
    """Managers see drafts too; everyone else signed in sees published versions only."""
    if not user.is_authenticated:
        return Rubric.objects.none()
    rubrics = Rubric.objects.all()
    if not user.is_manager:
        rubrics = rubrics.filter(status=Rubric.Status.PUBLISHED)
    return rubrics
