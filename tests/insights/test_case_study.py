"""The seeds' case study, generated as raw data, imported and reported: Attune has to find
CSAT 78% to 84%, rubric 2.8 to 3.9 of 5, escalations 9% to 4%, attrition 12% lower, and a
significant A/B result at the agent level."""

import datetime
import io

import pytest
from django.core.management import call_command
from scipy import stats

from cohorts.models import ExperimentAssignment
from insights import reports
from insights.case_study import SOURCE, case_study_create
from insights.models import Interaction
from programs.models import Program
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 30)
END = datetime.datetime(2026, 11, 30, 23, tzinfo=datetime.UTC)


@pytest.fixture
def study(db):
    call_command("load_playbook", stdout=io.StringIO())
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    return case_study_create(manager=ManagerFactory(), program=program, today=TODAY)


@pytest.fixture
def comparison(study):
    hr_scope = reports.Scope(cohorts=None, team=study.team.pk, end=END)
    return reports.kpi_trends(hr_scope)["figures"]["comparison"]


def test_the_reports_find_the_seeds_four_changes(comparison):
    baseline, latest, change = (
        comparison["baseline"],
        comparison["latest_30_days"],
        comparison["change"],
    )

    assert (baseline["csat_satisfied_percent"], latest["csat_satisfied_percent"]) == (78, 84)
    assert change["csat_satisfied_percent"]["difference"] == 6
    assert (baseline["rubric_of_5"], latest["rubric_of_5"]) == (2.8, 3.9)
    assert (baseline["escalation_percent"], latest["escalation_percent"]) == (9, 4)
    assert change["attrition_annualised_percent"]["relative_percent"] == pytest.approx(-12, abs=0.1)


def test_the_case_study_shows_the_other_figures_move_too(comparison):
    baseline, latest = comparison["baseline"], comparison["latest_30_days"]

    assert (baseline["escalations_resolved_percent"], latest["escalations_resolved_percent"]) == (
        50,
        70,
    )
    by_key = {c["key"]: c["mean"] for c in latest["criteria"]}
    first, last = min(by_key.values()), max(by_key.values())
    assert last - first == pytest.approx(0.8)  # criteria move unevenly: 0.2 apart each
    assert baseline["agents"] == 40  # HR sees it: every figure has 40 agents behind it


def test_the_ab_result_is_significant_at_the_agent_level(study):
    report = reports.experiment_result(study.experiment)  # as HR reads it
    csat = report["figures"]["metrics"]["csat_satisfied_percent"]

    per_agent = {group: [] for group in ExperimentAssignment.Group.values}
    groups = dict(study.experiment.assignments.values_list("agent_id", "group"))
    window = Interaction.objects.filter(
        source=SOURCE,
        csat__isnull=False,
        occurred_at__gte=study.experiment.window_start,
        occurred_at__lt=study.experiment.window_end,
    )
    for agent_id in groups:
        answers = list(window.filter(agent_id=agent_id).values_list("csat", flat=True))
        per_agent[groups[agent_id]].append(100 * sum(a >= 4 for a in answers) / len(answers))
    expected = stats.ttest_ind(per_agent["treatment"], per_agent["control"], equal_var=False)

    assert (csat["treatment_n"], csat["control_n"], csat["unit"]) == (20, 20, "agents")
    assert csat["difference"] == pytest.approx(5, abs=1e-9)
    assert csat["p_value"] == pytest.approx(expected.pvalue, abs=1e-9)
    assert csat["p_value"] < 0.001
    assert csat["conclusive"] is True
    # The interaction-level view counts 400 answers a group, and is labelled as such.
    assert csat["interaction_level"]["treatment_n"] == 400
    assert csat["interaction_level"]["unit"] == "interactions"


def test_creating_it_twice_changes_nothing(study):
    program = study.cohort.program
    count = Interaction.objects.filter(source=SOURCE).count()

    again = case_study_create(manager=ManagerFactory(), program=program, today=TODAY)

    assert again.team == study.team
    assert Interaction.objects.filter(source=SOURCE).count() == count
