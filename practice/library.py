"""Loading the practice library (practice/library_content.py) with the playbook.

`manage.py load_playbook` calls `library_load` through settings.ATTUNE_AFTER_PLAYBOOK_LOAD,
so programs never imports practice. Idempotent like the playbook: a framework or exercise is
recognised by its slug and one that exists is left as it is (managers' edits survive); its
links to rubric criteria, modules and workshops are made when it is created.
"""

from django.db import transaction

from practice.library_content import EXERCISES, FRAMEWORKS
from practice.models import Exercise, Framework, FrameworkStep
from programs.models import Module, Program, RubricCriterion, Workshop

LINKED_PROGRAM = "Empathy Essentials"


def _seed_program() -> Program | None:
    return Program.objects.filter(name=LINKED_PROGRAM, cloned_from__isnull=True).first()


def _links(program: Program | None, content: dict) -> dict:
    if program is None:
        return {"criteria": [], "modules": [], "workshops": []}
    return {
        "criteria": RubricCriterion.objects.filter(
            rubric=program.rubric, key__in=content.get("criteria", [])
        ),
        "modules": Module.objects.filter(program=program, topic__in=content.get("modules", [])),
        "workshops": Workshop.objects.filter(
            program=program, title__in=content.get("workshops", [])
        ),
    }


def _link_if_unlinked(exercise: Exercise, links: dict) -> None:
    """An exercise loaded before it named its modules and workshops gets them, unless it
    is linked to some already (a manager's choice, kept)."""
    if exercise.modules.exists() or exercise.workshops.exists():
        return
    exercise.modules.set(links["modules"])
    exercise.workshops.set(links["workshops"])


@transaction.atomic
def library_load(*, stdout=None) -> tuple[int, int]:
    """Create the built-in frameworks and exercises that do not exist yet. Returns how many
    of each were created."""
    program = _seed_program()
    made_frameworks = made_exercises = 0
    for content in FRAMEWORKS:
        if Framework.objects.filter(slug=content["slug"]).exists():
            continue
        framework = Framework.objects.create(
            slug=content["slug"],
            name=content["name"],
            summary=content["summary"],
            when_to_use=content.get("when_to_use", ""),
        )
        FrameworkStep.objects.bulk_create(
            FrameworkStep(framework=framework, order=order, name=name, text=text)
            for order, (name, text) in enumerate(content["steps"], start=1)
        )
        for field, rows in _links(program, content).items():
            getattr(framework, field).set(rows)
        made_frameworks += 1
    for content in EXERCISES:
        exercise = Exercise.objects.filter(slug=content["slug"]).first()
        if exercise is not None:
            _link_if_unlinked(exercise, _links(program, content))
            continue
        exercise = Exercise.objects.create(
            slug=content["slug"],
            name=content["name"],
            summary=content["summary"],
            instructions=content["instructions"],
            minutes=content["minutes"],
            solo=content["solo"],
        )
        exercise.frameworks.set(Framework.objects.filter(slug__in=content["frameworks"]))
        for field, rows in _links(program, content).items():
            getattr(exercise, field).set(rows)
        made_exercises += 1
    if stdout is not None:
        stdout.write(
            f"Practice library: {made_frameworks} frameworks and {made_exercises} exercises "
            f"created ({Framework.objects.count()} and {Exercise.objects.count()} in all)."
        )
    return made_frameworks, made_exercises
