from collections import Counter

import pytest
from django.core.management import call_command

from programs.models import MicroScript, Module, Phase, Program, Rubric, ScenarioCard, Workshop

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Program, Phase, Workshop, Module, Rubric, ScenarioCard, MicroScript)
    }


def test_running_it_twice_changes_nothing():
    call_command("load_playbook")
    first = _counts()

    call_command("load_playbook")

    assert _counts() == first
    assert first["Program"] == 3
    assert first["Rubric"] == 1


def test_second_run_keeps_a_managers_edits():
    call_command("load_playbook")
    Program.objects.filter(name="Empathy Essentials").update(description="Ours now")

    call_command("load_playbook")

    assert Program.objects.get(name="Empathy Essentials").description == "Ours now"


def test_empathy_essentials_follows_the_30_60_90_plan():
    call_command("load_playbook")
    program = Program.objects.get(name="Empathy Essentials")

    assert program.status == Program.Status.PUBLISHED
    assert list(program.phases.values_list("first_day", "last_day")) == [
        (1, 30),
        (31, 60),
        (61, 90),
    ]
    onboarding = program.workshops.filter(phase__order=1)
    assert onboarding.count() == 3
    assert set(onboarding.values_list("minutes", flat=True)) == {60}
    modules = program.modules.all()
    assert modules.count() >= 4
    assert {(m.prework_minutes, m.practice_minutes) for m in modules} == {(5, 25)}
    topics = " ".join(modules.values_list("topic", flat=True)).lower()
    for topic in ("reflective listening", "tone matching", "cultural", "de-escalation"):
        assert topic in topics
    assert list(program.rubric.criteria.values_list("key", "scale_min", "scale_max")) == [
        ("tone", 1, 5),
        ("validation", 1, 5),
        ("paraphrase", 1, 5),
        ("question_quality", 1, 5),
        ("actionable_closure", 1, 5),
    ]
    assert program.rubric.is_published


def test_practice_content_covers_every_situation_and_intensity():
    call_command("load_playbook")
    program = Program.objects.get(name="Empathy Essentials")

    cards = program.scenario_cards.all()
    assert cards.count() >= 6
    assert set(cards.values_list("intensity", flat=True)) == {"low", "medium", "high"}
    situations = " ".join(c.title + c.situation for c in cards).lower()
    for word in ("refund", "outage", "account"):
        assert word in situations or word in " ".join(cards.values_list("curveball", flat=True))
    templates = program.micro_scripts.filter(kind=MicroScript.Kind.INTENSITY_TEMPLATE)
    assert sorted(templates.values_list("intensity", flat=True)) == ["high", "low", "medium"]
    kinds = Counter(program.micro_scripts.values_list("kind", flat=True))
    assert set(kinds) == set(MicroScript.Kind.values)


def test_seven_day_primer_uses_the_same_models():
    call_command("load_playbook")
    primer = Program.objects.get(name="New-hire empathy primer")

    assert list(primer.phases.values_list("first_day", "last_day")) == [(1, 1), (2, 3), (4, 7)]
    assert primer.rubric == Program.objects.get(name="Empathy Essentials").rubric
    openings = primer.micro_scripts.filter(kind=MicroScript.Kind.OPENING)
    assert openings.count() == 5
    assert primer.micro_scripts.filter(kind=MicroScript.Kind.VALIDATION).count() == 3


def test_the_refresher_is_four_weekly_modules_on_the_same_rubric():
    call_command("load_playbook")
    refresher = Program.objects.get(name="Empathy Refresher")

    assert refresher.status == Program.Status.PUBLISHED
    assert refresher.rubric == Program.objects.get(name="Empathy Essentials").rubric
    assert list(refresher.modules.values_list("week", "prework_minutes", "practice_minutes")) == [
        (1, 5, 25),
        (2, 5, 25),
        (3, 5, 25),
        (4, 5, 25),
    ]
    summaries = " ".join(refresher.modules.values_list("summary", flat=True)).lower()
    for habit in ("validation", "paraphrase", "who does what by when"):
        assert habit in summaries
    assert refresher.scenario_cards.count() == 1
    assert refresher.completion_modules_min == 3
    assert not refresher.completion_requires_certification
