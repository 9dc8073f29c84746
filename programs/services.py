"""Operations on programs and rubrics. Each one is atomic and says what it guarantees."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.limits import column_range
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


def _copy_rows(rows, **overrides):
    """Unsaved copies of model instances with `overrides` applied (ids cleared)."""
    copies = []
    for row in rows:
        row.pk = None
        row.id = None
        for field, value in overrides.items():
            setattr(row, field, value)
        copies.append(row)
    return copies


def program_publication_errors(*, program: Program) -> dict[str, list[str]]:
    """Why `program` cannot be published yet, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    phases = list(program.phases.order_by("order"))
    if not phases:
        errors["phases"] = ["A program needs at least one phase before it is published."]
    else:
        expected_first_day = 1
        for phase in phases:
            if phase.first_day != expected_first_day:
                errors.setdefault("phases", []).append(
                    f"Phases must follow each other without gaps from day 1: “{phase.name}” "
                    f"starts on day {phase.first_day}, expected day {expected_first_day}."
                )
                break
            expected_first_day = phase.last_day + 1
    if not program.workshops.exists():
        errors["workshops"] = ["A program needs at least one workshop before it is published."]
    if not program.modules.exists():
        errors["modules"] = ["A program needs at least one module before it is published."]
    if program.rubric_id is None:
        errors["rubric"] = ["A program needs a rubric before it is published."]
    elif not program.rubric.criteria.exists():
        errors["rubric"] = [f"The rubric {program.rubric} has no criteria."]
    return errors


@transaction.atomic
def rubric_publish(*, rubric: Rubric) -> Rubric:
    """Freeze `rubric`: from now on its criteria never change. Idempotent."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.is_published:
        return rubric
    if not rubric.criteria.exists():
        raise ValidationError({"criteria": "A rubric needs at least one criterion."})
    rubric.status = Rubric.Status.PUBLISHED
    rubric.published_at = timezone.now()
    rubric.save(update_fields=["status", "published_at"])
    return rubric


@transaction.atomic
def rubric_new_version(*, rubric: Rubric) -> Rubric:
    """A new draft version of `rubric`'s family with the same criteria, ready to edit.

    The version number is the family's highest plus one, so two versions never share it.
    """
    latest = (
        Rubric.objects.select_for_update().filter(name=rubric.name).order_by("-version").first()
    )
    if latest.version >= column_range(Rubric._meta.get_field("version"))[1]:
        raise ValidationError({"version": f"{latest} is the last version a rubric can have."})
    new = Rubric.objects.create(
        name=rubric.name,
        version=latest.version + 1,
        description=rubric.description,
        previous_version=rubric,
    )
    RubricCriterion.objects.bulk_create(_copy_rows(rubric.criteria.all(), rubric=new))
    return new


@transaction.atomic
def program_publish(*, program: Program) -> Program:
    """Publish `program` once it is complete; its rubric is published (frozen) with it.

    Raises ValidationError naming every missing part. Publishing twice is a no-op.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Program.Status.PUBLISHED:
        return program
    if program.status == Program.Status.ARCHIVED:
        raise ValidationError({"status": "An archived program cannot be published again."})
    errors = program_publication_errors(program=program)
    if errors:
        raise ValidationError(errors)
    program.rubric = rubric_publish(rubric=program.rubric)
    program.status = Program.Status.PUBLISHED
    program.published_at = timezone.now()
    program.save(update_fields=["status", "published_at", "updated_at"])
    return program


@transaction.atomic
def program_archive(*, program: Program) -> Program:
    """Retire `program`: it stays readable for history but no new cohort can use it."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Program.Status.DRAFT:
        raise ValidationError({"status": "A draft is deleted, not archived."})
    program.status = Program.Status.ARCHIVED
    program.save(update_fields=["status", "updated_at"])
    return program


@transaction.atomic
def program_clone(*, program: Program, owner, name: str | None = None) -> Program:
    """A deep copy of `program` as a new draft owned by `owner`.

    Phases, workshops, modules, scenario cards, micro-scripts and the completion rule are
    copied; the rubric is
    shared, since a rubric version is immutable once published and scores name it.
    """
    clone = Program.objects.create(
        name=name or f"{program.name} (copy)",
        description=program.description,
        owner=owner,
        rubric=program.rubric,
        cloned_from=program,
        completion_workshops_min=program.completion_workshops_min,
        completion_modules_min=program.completion_modules_min,
        completion_coaching_min=program.completion_coaching_min,
        completion_requires_certification=program.completion_requires_certification,
    )
    phases = list(program.phases.order_by("order"))
    old_phase_ids = [phase.pk for phase in phases]
    new_phases = Phase.objects.bulk_create(_copy_rows(phases, program=clone))
    phase_map = dict(zip(old_phase_ids, new_phases, strict=True))

    for model in (Workshop, Module):
        rows = list(model.objects.filter(program=program))
        for row in rows:
            row.phase = phase_map[row.phase_id]
        model.objects.bulk_create(_copy_rows(rows, program=clone))
    ScenarioCard.objects.bulk_create(
        _copy_rows(ScenarioCard.objects.filter(program=program), program=clone)
    )
    MicroScript.objects.bulk_create(
        _copy_rows(MicroScript.objects.filter(program=program), program=clone)
    )
    return clone
