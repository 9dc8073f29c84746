"""The "Program insights" page: who may see it, its four sections, suppression for HR,
export links, the A/B section, and the SVG chart helpers it is drawn with."""

import datetime
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from cohorts.services import experiment_create
from insights import charts
from insights.views import KPI_METRICS
from tests.cohorts.conftest import BEFORE_START, enrol, rollout_program
from tests.factories import (
    AgentFactory,
    CohortFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
SVG = "{http://www.w3.org/2000/svg}"
URL = reverse("web:insights")
HEADINGS = ["Completion funnel", "Retention", "KPI trends", "A/B result"]


@pytest.fixture
def hr_client(client):
    client.force_login(HRFactory())
    return client


@pytest.fixture
def cohort(db):
    return CohortFactory(program=rollout_program(), start_date=datetime.date(2026, 10, 26))


def _export_links(html: str, api_path: str) -> list[dict]:
    links = []
    for chunk in html.split('href="')[1:]:
        url = unescape(chunk.split('"', 1)[0])
        if url.startswith(api_path):
            links.append(parse_qs(urlsplit(url).query))
    return links


# --- Access --------------------------------------------------------------------------------


def test_hr_sees_the_four_sections_with_accessible_charts(hr_client, cohort):
    enrol(cohort, 6)

    response = hr_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for heading in HEADINGS:
        assert f">{heading}</h2>" in html
    assert html.count('role="img"') == 1 + 1 + len(KPI_METRICS)  # funnel, retention, KPIs
    assert 'aria-current="page"' in html  # the navigation marks the page


def test_a_training_manager_sees_only_the_cohorts_they_facilitate(client, cohort):
    manager = ManagerFactory()
    cohort.facilitators.set([manager])
    other = CohortFactory(program=cohort.program, name="Someone else's cohort")
    client.force_login(manager)

    response = client.get(URL)

    assert response.status_code == 200
    assert cohort.name in response.content.decode()
    assert other.name not in response.content.decode()


def test_an_agent_is_forbidden(client):
    client.force_login(AgentFactory())

    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_range_ending_before_it_starts_shows_the_error_and_no_figures(hr_client):
    response = hr_client.get(URL, {"start": "2026-10-10", "end": "2026-10-01"})

    html = response.content.decode()
    assert "The range must end on or after its first day." in html
    assert "Completion funnel" not in html


# --- Suppression and exports ---------------------------------------------------------------


def test_hr_sees_the_suppression_note_for_a_cohort_of_fewer_than_five(hr_client, cohort):
    enrol(cohort, 3)

    response = hr_client.get(URL, {"cohort": cohort.pk})

    html = response.content.decode()
    assert '<p class="note">funnel: suppressed: fewer than 5 agents</p>' in html
    assert "agent 1" not in html


def test_export_links_carry_the_filters(hr_client, cohort):
    enrol(cohort, 6)

    response = hr_client.get(
        URL,
        {
            "cohort": cohort.pk,
            "program": cohort.program.pk,
            "start": "2026-09-01",
            "end": "2026-09-30",
        },
    )

    for path in ("/api/insights/funnel/", "/api/insights/retention/", "/api/insights/kpis/"):
        links = _export_links(response.content.decode(), path)
        assert sorted(link["export"][0] for link in links) == ["figures", "rows"]
        for link in links:
            assert link["cohort"] == [str(cohort.pk)]
            assert link["program"] == [str(cohort.program.pk)]
            assert link["start"] == ["2026-09-01T00:00:00+00:00"]
            assert link["end"] == ["2026-10-01T00:00:00+00:00"]  # "to" is inclusive


def test_an_export_link_returns_the_csv(hr_client, cohort):
    enrol(cohort, 6)
    html = hr_client.get(URL, {"cohort": cohort.pk}).content.decode()
    href = next(
        unescape(chunk.split('"', 1)[0])
        for chunk in html.split('href="')
        if chunk.startswith("/api/insights/funnel/")
    )

    response = hr_client.get(href)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"


# --- A/B result ----------------------------------------------------------------------------


def test_the_experiment_section_shows_each_metric_with_its_interval(hr_client, cohort):
    enrol(cohort, 12)
    start = datetime.datetime(2026, 11, 25, tzinfo=UTC)
    with time_machine.travel(BEFORE_START, tick=False):
        experiment = experiment_create(
            name="Q4 A/B",
            cohort=cohort,
            window_start=start,
            window_end=start + datetime.timedelta(days=30),
            seed=5,
        )
    for index, assignment in enumerate(experiment.assignments.all()):
        for day in range(3):
            InteractionFactory(
                agent=assignment.agent,
                occurred_at=start + datetime.timedelta(days=day + 1),
                # groups alternate in the list: index // 2 gives each group both patterns
                csat=(5 if assignment.group == "treatment" else 3) - (index // 2 + day) % 2,
            )

    response = hr_client.get(URL, {"experiment": experiment.pk})

    html = response.content.decode()
    assert "Q4 A/B" in html
    assert "Agents assigned: treatment 6, control 6." in html
    assert 'id="ab-csat_mean-title"' in html
    assert "Difference in CSAT mean (1 to 5), treatment minus control" in html
    assert '<span class="badge-ok">Conclusive</span>' in html  # CSAT: 2 points apart
    assert "<td>treatment 6, control 6</td>" in html  # agents with data, the unit analysed
    assert "Power for the observed difference" in html
    assert "Secondary: interaction level" in html
    # NPS: nobody answered; HR sees it withheld (fewer than 5 agents with data)
    assert "Withheld: fewer than 5 agents with data in a group." in html
    assert f"/api/experiments/{experiment.pk}/result/?export=figures" in html


def test_hr_sees_no_experiment_figures_when_a_group_is_under_five(hr_client, cohort):
    enrol(cohort, 6)
    start = datetime.datetime(2026, 11, 25, tzinfo=UTC)
    with time_machine.travel(BEFORE_START, tick=False):
        experiment = experiment_create(
            name="Small A/B",
            cohort=cohort,
            window_start=start,
            window_end=start + datetime.timedelta(days=30),
        )

    html = hr_client.get(URL, {"experiment": experiment.pk}).content.decode()

    assert "Withheld: fewer than 5 agents with data in a group." in html
    assert "A/B result, CSAT (% satisfied: 4 or 5 of 5)" in html
    assert "Difference in CSAT" not in html


def test_without_an_experiment_the_section_says_to_choose_one(hr_client):
    html = hr_client.get(URL).content.decode()

    assert "Choose an experiment in the filters" in html


# --- Chart helpers -------------------------------------------------------------------------


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def _labelled(root: ET.Element) -> tuple[str, str]:
    """The title and desc the root's aria-labelledby points at."""
    title_id, desc_id = root.get("aria-labelledby").split()
    by_id = {element.get("id"): element.text for element in root.iter() if element.get("id")}
    return by_id[title_id], by_id[desc_id]


@pytest.mark.parametrize(
    "svg",
    [
        charts.bar_chart("Funnel", [("Enrolled", 10), ("Certified", 4)]),
        charts.line_chart("CSAT", [("2026-09-07", 4.2), ("2026-09-14", None), ("W3", 4.5)]),
        charts.step_chart("Retention", {"Trained": ([30, 90], [0.9, 0.8]), "Untrained": None}),
        charts.interval_plot("Difference", 0.4, -0.1, 0.9),
        charts.bar_chart("Empty", []),
    ],
)
def test_every_chart_is_valid_svg_labelled_by_its_title_and_desc(svg):
    root = _parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox")
    title, desc = _labelled(root)
    assert title
    assert desc


def test_bar_lengths_are_proportional_to_the_values():
    root = _parse(charts.bar_chart("Funnel", [("Enrolled", 10), ("Attended", 5), ("None", 0)]))

    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    widths = [float(rect.get("width")) for rect in bars]

    assert widths == [charts.BAR_AREA, charts.BAR_AREA / 2, 0]


def test_bar_chart_describes_its_values_and_skips_missing_ones():
    root = _parse(charts.bar_chart("Funnel", [("Enrolled", 1200), ("Certified", None)]))

    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]) == 1
    assert _labelled(root)[1] == "Enrolled: 1,200; Certified: no data."


def test_labels_are_escaped():
    svg = charts.bar_chart("<b>Funnel</b>", [("Tom & <Jerry>", 3)])

    assert "<b>" not in svg
    assert "<Jerry>" not in svg
    assert next(t.text for t in _parse(svg).iter(f"{SVG}text")) == "Tom & <Jerry>"


def test_line_chart_skips_none_and_breaks_the_line_there():
    root = _parse(charts.line_chart("CSAT", [("W1", 4.0), ("W2", 4.5), ("W3", None), ("W4", 3.5)]))

    path = next(root.iter(f"{SVG}path")).get("d")
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert path.count("M") == 2
    assert path.count("L") == 1
    assert "3 of 4 points have data" in _labelled(root)[1]


@pytest.mark.parametrize(
    "svg",
    [
        charts.bar_chart("Funnel", [("Enrolled", None)]),
        charts.line_chart("CSAT", [("W1", None)]),
        charts.line_chart("CSAT", []),
        charts.step_chart("Retention", {"Trained": None}),
        charts.interval_plot("Difference", None, None, None),
    ],
)
def test_empty_data_gives_a_no_data_svg(svg):
    root = _parse(svg)

    assert _labelled(root)[1] == "No data yet."
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No data yet"]


def test_step_chart_draws_one_curve_per_series_with_a_legend():
    root = _parse(
        charts.step_chart(
            "Retention",
            {"Trained": ([100, 200], [0.9, 0.75]), "Untrained": ([], [])},
            x_max=400,
        )
    )

    paths = [p.get("d") for p in root.iter(f"{SVG}path")]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert len(paths) == 2
    assert paths[1].count("H") == 1  # no leavers: flat at 100% to the end
    assert "Trained" in texts
    assert "Untrained" in texts
    assert "day 400" in texts
    assert _labelled(root)[1] == (
        "Trained: from 100% at day 0 down to 75% at day 200, in 2 steps. "
        "Untrained: 100% throughout."
    )


def test_interval_plot_says_whether_the_interval_includes_zero():
    above = _labelled(_parse(charts.interval_plot("A", 0.5, 0.2, 0.8)))[1]
    across = _labelled(_parse(charts.interval_plot("B", 0.1, -0.2, 0.4)))[1]
    no_bounds = _parse(charts.interval_plot("C", 0.1, None, None))

    assert above == "Estimate 0.5, interval from 0.2 to 0.8; the interval lies entirely above zero."
    assert across.endswith("the interval includes zero.")
    assert not [e for e in no_bounds.iter(f"{SVG}line") if e.get("class") == "whisker"]


def test_data_table_lists_the_numbers_and_is_empty_without_rows():
    table = charts.data_table(["Week", "CSAT"], [("2026-09-07", 4.25), ("2026-09-14", None)])

    assert "<summary>Data</summary>" in table
    assert '<th scope="row">2026-09-07</th><td>4.25</td>' in table
    assert "<td>no data</td>" in table
    assert charts.data_table(["Week"], []) == ""


# --- Figures added for the statistician's review ---------------------------------------------


@pytest.fixture
def case_study(db):
    import io

    from django.core.management import call_command

    from insights.case_study import case_study_create
    from programs.models import Program

    call_command("load_playbook", stdout=io.StringIO())
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        return case_study_create(manager=ManagerFactory(), program=program)


def test_the_page_shows_the_case_studys_changes_and_the_new_figures(hr_client, case_study):
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        html = hr_client.get(URL, {"team": case_study.team.pk}).content.decode()

    comparison = html.split("Baseline against the latest 30 days", 1)[1]
    assert "<td>78%</td><td>84%</td><td>+6 points (+7.69% relative)</td>" in comparison
    assert "<td>9%</td><td>4%</td><td>-5 points (-55.6% relative)</td>" in comparison
    assert "<td>2.8</td><td>3.9</td><td>+1.1 (+39.3%)</td>" in comparison
    for label in (
        "“Did the agent understand?” (1 to 10)",
        "Repeat contacts (%)",
        "Time to resolution (hours, mean)",
        "Escalations turned into resolutions (%)",
        "Attrition (annualised, %)",
        "Rubric average by criterion",
        "Leading indicator: does the rubric lead CSAT?",
        "ROI estimate",
        "Landmark analysis",
    ):
        assert label in html
    assert 'value="6.0"' in html or 'value="6"' in html  # the measured CSAT lift, prefilled


def test_the_roi_form_estimates_with_units_and_keeps_the_filters(hr_client):
    html = hr_client.get(URL, {
        "customers": "12000", "revenue_per_customer": "1200", "churn_reduction_points": "2",
        "csat_lift_points": "6",
    }).content.decode()  # fmt: skip

    assert "Retained revenue: <strong>288,000" in html
    assert "2 percentage points = 288,000.00 per year" in html
    assert "+600" not in html


def test_a_bad_roi_input_is_shown_as_a_field_error(hr_client):
    response = hr_client.get(URL, {"customers": "-1", "revenue_per_customer": "x",
                                   "churn_reduction_points": "200"})  # fmt: skip

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Enter a number." in html
    assert "Retained revenue" not in html
