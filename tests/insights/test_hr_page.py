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
from cohorts.services.scores import rubric_score_week_add
from insights import charts
from insights.views import KPI_METRICS
from tests.cohorts.conftest import BEFORE_START, enrol, rollout_program
from tests.factories import (
    AgentFactory,
    CohortFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
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
    assert "".join(next(_parse(svg).iter(f"{SVG}text")).itertext()) == "Tom & <Jerry>"


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


# --- Issue #14: the page tells the truth ---------------------------------------------------

LONG_TOPIC = "Validating language when a customer is angry about a double charge on a renewal"


def _texts(root: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def test_a_long_funnel_label_wraps_onto_lines_and_is_never_cut():
    label = f"Module completed: Foundation, {LONG_TOPIC}"
    root = _parse(charts.bar_chart("Funnel", [(label, 6), ("Certified", 2)]))

    first = next(root.iter(f"{SVG}text"))
    lines = [span.text for span in first.iter(f"{SVG}tspan")]
    bar = next(rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar")
    assert len(lines) >= 2
    assert " ".join(lines) == label
    assert all(len(line) <= charts.BAR_LABEL_CHARS for line in lines)
    assert "\N{HORIZONTAL ELLIPSIS}" not in str(charts.bar_chart("F", [(label, 6)]))
    # the bar sits below the label's last line
    last_line_y = float(first.get("y")) + charts.BAR_LINE * (len(lines) - 1)
    assert float(bar.get("y")) > last_line_y


def test_the_page_shows_a_long_module_name_in_full_in_the_funnel(hr_client, cohort):
    from programs.models import Module

    Module.objects.filter(topic="Tone matching").update(topic=LONG_TOPIC)
    enrol(cohort, 6)

    html = hr_client.get(URL).content.decode()

    funnel = html.split('id="chart-completion-funnel-agents-at-each-step-title"', 1)[1]
    funnel = funnel.split("</svg>", 1)[0]
    spans = [chunk.split("</tspan>", 1)[0] for chunk in funnel.split("<tspan")[1:]]
    spans = [span.split(">", 1)[1] for span in spans]
    assert LONG_TOPIC in " ".join(spans)
    assert "\N{HORIZONTAL ELLIPSIS}" not in funnel


def test_a_line_charts_axis_starts_at_the_scales_bottom_not_at_the_lowest_value():
    root = _parse(
        charts.line_chart("CSAT", [("W1", 80), ("W2", 84)], unit="%", floor=0, ceiling=100)
    )

    texts = _texts(root)
    dots = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert [t for t in texts if t.endswith("%")] == ["0%", "50%", "100%"]
    # 80% and 84% sit near the top, 4 points apart, not at the bottom and top of the plot
    assert charts.PLOT_TOP < min(dots) < max(dots) < (charts.PLOT_TOP + charts.PLOT_BOTTOM) / 2
    assert max(dots) - min(dots) < 0.05 * (charts.PLOT_BOTTOM - charts.PLOT_TOP)
    assert "The axis runs from 0% to 100%." in _labelled(root)[1]


def test_a_line_chart_without_a_scale_top_runs_from_zero_to_the_highest_value():
    root = _parse(charts.line_chart("Handle time", [("W1", 400), ("W2", 420)]))

    assert _texts(root)[:3] == ["0", "210", "420"]


def _weekly_interactions(agents, weeks, csat=4):
    for week in range(weeks):
        for agent in agents:
            InteractionFactory(
                agent=agent,
                csat=csat,
                handle_seconds=400 + 20 * week,
                occurred_at=datetime.datetime(2026, 11, 2, 12, tzinfo=UTC)
                + datetime.timedelta(weeks=week),
            )


def test_the_pages_kpi_charts_start_at_the_bottom_of_their_scale(hr_client):
    team = TeamFactory()
    _weekly_interactions(AgentFactory.create_batch(5, team=team), weeks=2)

    html = hr_client.get(URL, {"team": team.pk}).content.decode()

    csat = html.split("CSAT (% satisfied: 4 or 5 of 5) by week</title>", 1)[1].split("</svg>")[0]
    mean = html.split("CSAT mean (1 to 5) by week</title>", 1)[1].split("</svg>")[0]
    aht = html.split("Average handle time (seconds) by week</title>", 1)[1].split("</svg>")[0]
    assert ">0%</text>" in csat
    assert ">100%</text>" in csat
    assert ">1</text>" in mean
    assert ">5</text>" in mean
    assert ">0</text>" in aht


def test_one_week_of_rubric_scores_is_shown_as_a_number_not_a_line(hr_client):
    from cohorts.models import RubricScore
    from tests.factories import RubricFactory

    team = TeamFactory()
    agents = AgentFactory.create_batch(5, team=team)
    _weekly_interactions(agents, weeks=2)
    rubric, scorer = RubricFactory(), AgentFactory()
    for agent in agents:
        rubric_score_week_add(score=RubricScore.objects.create(
            rubric=rubric, scorer=scorer, subject=agent, context="qa", values={"tone": 3},
            percent=60, scored_at=datetime.datetime(2026, 11, 3, tzinfo=UTC),
        ))  # fmt: skip

    html = hr_client.get(URL, {"team": team.pk}).content.decode()

    rubric_section = html.split(">Rubric average (%)</h3>", 1)[1].split("</h3>", 1)[0]
    assert "<strong" in rubric_section
    assert "60%</strong>" in rubric_section
    assert "the only week with data" in rubric_section
    assert "Rubric average (%) by week</title>" not in html
    assert "CSAT (% satisfied: 4 or 5 of 5) by week</title>" in html  # two weeks: a chart


def _complete_first_module(cohort, count):
    from cohorts import services as cohort_services
    from cohorts.models import ModuleProgress

    cohort_services.cohort_start(cohort=cohort, now=BEFORE_START)
    module = cohort.schedule_items.filter(kind="module").order_by("starts_at").first()
    now = datetime.datetime(2026, 11, 1, tzinfo=UTC)
    for enrollment in cohort.enrollments.order_by("pk")[:count]:
        ModuleProgress.objects.create(
            enrollment=enrollment, item=module, prework_done_at=now, practice_attended_at=now
        )


def test_hr_sees_each_modules_completion_rate_with_its_numerator_and_denominator(hr_client, cohort):
    enrol(cohort, 6)
    _complete_first_module(cohort, 4)

    html = hr_client.get(URL, {"cohort": cohort.pk}).content.decode()

    table = html.split('id="completion-heading"', 1)[1].split("</table>", 1)[0]
    assert (
        '<th scope="row">Foundation, Reflective listening</th>'
        "<td><strong>66.7%</strong></td><td>4</td><td>6</td>"
    ) in table
    assert "<td><strong>0%</strong></td><td>0</td><td>6</td>" in table  # Tone matching
    assert "(66.7% of enrolled)" in html  # on the funnel chart too
    assert "<td>4 of 6 (66.7%)</td>" in html  # and in its data table


def test_hr_sees_no_completion_rate_for_fewer_than_five_enrolled(hr_client, cohort):
    enrol(cohort, 4)
    _complete_first_module(cohort, 3)

    html = hr_client.get(URL, {"cohort": cohort.pk}).content.decode()

    completion = html.split('id="completion-heading"', 1)[1].split("<p>Certification", 1)[0]
    assert "Withheld: fewer than 5 agents enrolled." in completion
    assert "75%" not in html


def test_the_leading_indicator_is_shown_lag_by_lag_outside_a_collapsed_table(hr_client):
    html = hr_client.get(URL).content.decode()

    section = html.split('id="leading-heading"', 1)[1].split("</section>", 1)[0]
    table = section.split("<details>", 1)[0]
    assert '<th scope="col">Pairs of weeks</th>' in table
    for lag in range(7):
        assert f'<th scope="row">{lag} week{"" if lag == 1 else "s"}</th>' in table
    assert "Not enough weeks with both figures to tell." in section


def test_the_roi_form_answers_in_its_own_section(hr_client):
    html = hr_client.get(URL).content.decode()

    form = html.split('aria-label="ROI inputs"', 1)[0].rsplit("<form", 1)[1]
    assert 'action="/insights/#roi"' in form
    assert '<section class="card" id="roi" aria-labelledby="roi-heading">' in html


def test_every_wide_table_scrolls_in_a_named_focusable_region(hr_client, cohort):
    import re

    enrol(cohort, 6)
    html = hr_client.get(URL).content.decode()

    wraps = re.findall(r'<div class="table-wrap"[^>]*>', html)
    assert len(wraps) >= 5  # funnel data, retention, comparison, leading indicator...
    for wrap in wraps:
        assert 'tabindex="0"' in wrap
        assert 'role="region"' in wrap
        assert "aria-label=" in wrap or "aria-labelledby=" in wrap


def test_the_funnel_says_how_many_completed_when_their_cohort_ended(hr_client, cohort):
    from cohorts.models import Enrollment

    enrollments = enrol(cohort, 6)
    for enrollment in enrollments[:3]:
        Enrollment.objects.filter(pk=enrollment.pk).update(status="completed")
    for enrollment in enrollments[3:5]:
        Enrollment.objects.filter(pk=enrollment.pk).update(status="not_completed")

    html = hr_client.get(URL).content.decode()

    assert "Completed the program" in html  # a step of the funnel
    shown = "<strong>3</strong> of the 5 agents whose cohort has ended (<strong>60%</strong>)"
    assert shown in html
