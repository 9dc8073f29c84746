"""Scale-point meanings on a rubric criterion: only points of its scale, short texts."""

import pytest
from django.core.exceptions import ValidationError

from programs.models import RubricCriterion
from tests.factories import RubricFactory

pytestmark = pytest.mark.django_db


def _criterion(levels):
    return RubricCriterion(
        rubric=RubricFactory(), key="tone", name="Tone", scale_min=1, scale_max=5, levels=levels
    )


def test_levels_on_the_scale_are_valid():
    criterion = _criterion({"1": "Flat.", "5": "Warm."})

    criterion.full_clean()

    assert criterion.level_rows() == [(1, "Flat."), (5, "Warm.")]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"6": "Beyond."}, "Not points of the 1-5 scale: 6."),
        ({"1": "x" * 301}, "300 characters at most"),
        (["Flat."], "Give {scale point: its meaning}."),
    ],
)
def test_levels_off_the_scale_are_refused(levels, message):
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        _criterion(levels).full_clean()


def test_the_playbook_explains_every_point():
    from django.core.management import call_command

    call_command("load_playbook", verbosity=0)

    criteria = RubricCriterion.objects.filter(rubric__name="Empathy rubric")
    assert criteria.count() == 5
    for criterion in criteria:
        assert [point for point, _ in criterion.level_rows()] == [1, 2, 3, 4, 5]
