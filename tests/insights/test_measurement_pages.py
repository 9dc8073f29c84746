"""The managers' measurement pages: the list of assessments and the comparison."""

import pytest
from django.urls import reverse

from insights.models import BaselineAssessment
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_managers_assessments_with_their_kind(client, compared, manager):
    other = ManagerFactory()
    client.force_login(manager)

    page = client.get(reverse("web:measurement")).content.decode()

    assert "Before" in page
    assert "Follow-up after three months" in page
    assert "End of program" in page
    # The window, locally: the follow-up's ends on 2 November (New York), not 3.
    assert "4 Oct 2026 to 2 Nov 2026" in page
    client.force_login(other)
    assert "Before" not in client.get(reverse("web:measurement")).content.decode()


def test_the_comparison_page_shows_the_figures_and_changes(client, compared, manager):
    _, follow_up = compared
    client.force_login(manager)

    page = client.get(reverse("web:assessment", args=[follow_up.pk])).content.decode()

    assert "75.0%" in page  # rubric average
    assert "+35.0 points" in page  # its change from 40.0%
    assert '5.00 <span class="muted">(n = 2)</span>' in page  # CSAT at follow-up
    assert "+1.50" in page  # its change from 3.50
    assert "-100 s" in page  # handle time


def test_another_managers_assessment_is_not_found(client, compared):
    _, follow_up = compared
    client.force_login(ManagerFactory())

    assert client.get(reverse("web:assessment", args=[follow_up.pk])).status_code == 404


@pytest.mark.parametrize("who", [AgentFactory, HRFactory, CoachFactory])
def test_other_roles_are_refused(client, compared, who):
    _, follow_up = compared
    client.force_login(who())

    assert client.get(reverse("web:measurement")).status_code == 403
    assert client.get(reverse("web:assessment", args=[follow_up.pk])).status_code == 403


def test_a_team_baseline_stands_alone(client, manager, rubric, reviewers):
    from accounts.models import Team
    from insights import services
    from tests.insights.conftest import END, START

    team = Team.objects.create(name="Billing")
    team.managers.add(manager)
    baseline = services.baseline_create(
        name="Billing baseline", rubric=rubric, reviewers=reviewers, team=team,
        window_start=START, window_end=END, seed=1,
    )  # fmt: skip
    client.force_login(manager)

    response = client.get(reverse("web:assessment", args=[baseline.pk]))

    assert response.status_code == 200
    assert [c["kind"] for c in response.context["columns"]] == [BaselineAssessment.Kind.BASELINE]


def test_the_demo_shows_the_case_study_cohorts_baseline_beside_its_end(db):
    import io

    from django.core.management import call_command

    from insights.case_study import case_study_create
    from insights.demo import demo_measurement_create
    from insights.selectors import assessment_comparison
    from programs.models import Program

    call_command("load_playbook", stdout=io.StringIO())
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    manager = ManagerFactory()
    study = case_study_create(manager=manager, program=program)

    demo_measurement_create(study=study, manager=manager)
    demo_measurement_create(study=study, manager=manager)  # a second demo run adds nothing

    baseline = BaselineAssessment.objects.get(cohort=study.cohort, kind="baseline")
    comparison = assessment_comparison(assessment=baseline)
    assert [a["kind"] for a in comparison["assessments"]] == ["baseline", "end_of_program"]
    rubric = next(row for row in comparison["rows"] if row["key"] == "rubric_percent")
    assert rubric["cells"][0]["count"] == 40
    assert rubric["cells"][1]["change"] > 10  # the gain shows


def test_the_admin_shows_the_kind_and_the_baseline_it_is_compared_with(client, compared):
    baseline, follow_up = compared
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/insights/baselineassessment/{follow_up.pk}/change/")
    listing = client.get("/admin/insights/baselineassessment/?kind=follow_up")

    assert "Follow-up after three months" in page.content.decode()
    assert str(baseline) in page.content.decode()
    assert list(listing.context["cl"].result_list) == [follow_up]
