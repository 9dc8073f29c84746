"""Loading the built-in programs (programs/playbook_content.py) into the database."""

from django.db import transaction

from programs import services
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
from programs.playbook_content import EMPATHY_ESSENTIALS, EMPATHY_REFRESHER, NEW_HIRE_PRIMER

PLAYBOOKS = (EMPATHY_ESSENTIALS, NEW_HIRE_PRIMER, EMPATHY_REFRESHER)


def _rubric_from_content(content: dict) -> Rubric:
    """The rubric a playbook names, created and published on first use."""
    rubric, created = Rubric.objects.get_or_create(
        name=content["name"],
        version=content["version"],
        defaults={"description": content.get("description", "")},
    )
    if created:
        RubricCriterion.objects.bulk_create(
            RubricCriterion(rubric=rubric, order=order, **criterion)
            for order, criterion in enumerate(content["criteria"], start=1)
        )
    return services.rubric_publish(rubric=rubric)


def _completion_rule_default(program: Program, content: dict) -> None:
    """Give a program loaded before completion rules existed the playbook's rule, once: a
    rule that is no longer the default (a manager chose one) is left as it is."""
    rule = content.get("completion", {})
    default = {field: Program._meta.get_field(field).get_default() for field in rule}
    if rule and all(getattr(program, field) == value for field, value in default.items()):
        Program.objects.filter(pk=program.pk).update(**rule)
        program.refresh_from_db()


@transaction.atomic
def playbook_load(*, content: dict) -> tuple[Program, bool]:
    """Create the published program described by `content` unless it already exists.

    Idempotent: a program is recognised by its name among programs that are not clones,
    and an existing one is left untouched, so managers' edits survive a second run.
    Returns the program and whether it was created.
    """
    existing = Program.objects.filter(name=content["name"], cloned_from__isnull=True).first()
    if existing:
        _completion_rule_default(existing, content)
        return existing, False
    program = Program.objects.create(
        name=content["name"],
        description=content["description"],
        rubric=_rubric_from_content(content["rubric"]),
        **content.get("completion", {}),
    )
    for phase_content in content["phases"]:
        phase_fields = {
            key: value
            for key, value in phase_content.items()
            if key not in ("workshops", "modules")
        }
        phase = Phase.objects.create(program=program, **phase_fields)
        Workshop.objects.bulk_create(
            Workshop(program=program, phase=phase, **workshop)
            for workshop in phase_content["workshops"]
        )
        Module.objects.bulk_create(
            Module(program=program, phase=phase, **module) for module in phase_content["modules"]
        )
    ScenarioCard.objects.bulk_create(
        ScenarioCard(program=program, **card) for card in content["scenario_cards"]
    )
    MicroScript.objects.bulk_create(
        MicroScript(program=program, **script) for script in content["micro_scripts"]
    )
    return services.program_publish(program=program), True
