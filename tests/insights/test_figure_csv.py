"""Every insights CSV export starts with a header row a person can read: the figures CSVs
name each figure in words ("Module 1, phase"), never by its path in the JSON
(`modules[0].phase`); the rows CSVs keep the rows' own column names, which recompute."""

import csv
import datetime
import io
import re

import pytest
import time_machine

from cohorts import services as cohort_services
from cohorts.models import ModuleProgress
from cohorts.services import experiment_create
from insights import exports
from tests.cohorts.conftest import BEFORE_START, enrol, rollout_program
from tests.factories import CohortFactory, InteractionFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
REPORTS = ["funnel", "retention", "kpis", "leading-indicator"]
# What a program's path looks like: an index in brackets, a dot between keys, snake_case.
PATH = re.compile(r"\[\d+\]|\w\.\w|[a-z]_[a-z]")


def _lines(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response.streaming  # written while sent, never whole in memory
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def cohort(manager_api):
    cohort = CohortFactory(
        program=rollout_program(),
        start_date=datetime.date(2026, 10, 26),
        facilitators=[manager_api.user],
    )
    enrol(cohort, 6)
    cohort_services.cohort_start(cohort=cohort, now=BEFORE_START)
    module = cohort.schedule_items.filter(kind="module").order_by("starts_at").first()
    when = datetime.datetime(2026, 11, 2, 12, tzinfo=UTC)
    for enrollment in cohort.enrollments.all():
        ModuleProgress.objects.create(
            enrollment=enrollment, item=module, prework_done_at=when, practice_attended_at=when
        )
        for week in range(3):
            InteractionFactory(
                agent=enrollment.agent, csat=4, occurred_at=when + datetime.timedelta(weeks=week)
            )
    return cohort


@pytest.fixture
def experiment(cohort):
    start = datetime.datetime(2026, 11, 25, tzinfo=UTC)
    with time_machine.travel(BEFORE_START, tick=False):
        return experiment_create(
            name="CSV A/B",
            cohort=cohort,
            window_start=start,
            window_end=start + datetime.timedelta(days=30),
            seed=3,
        )


def _urls(experiment) -> list[str]:
    return [f"/api/insights/{name}/" for name in REPORTS] + [
        f"/api/experiments/{experiment.pk}/result/"
    ]


@pytest.mark.parametrize("reader", ["hr_api", "manager_api"])
def test_every_figures_export_has_a_header_row_and_names_each_figure_in_words(
    request, reader, cohort, experiment
):
    client = request.getfixturevalue(reader)
    for url in _urls(experiment):
        lines = _lines(client.get(url, {"export": "figures"}))

        assert lines[0] == ["Figure", "Value"], url
        assert len(lines) > 1, url
        for name, _value in lines[1:]:
            assert name[0].isupper(), (url, name)
            assert not PATH.search(name), (url, name)


@pytest.mark.parametrize("reader", ["hr_api", "manager_api"])
def test_every_rows_export_has_a_header_row_of_its_columns(request, reader, cohort, experiment):
    client = request.getfixturevalue(reader)
    for url in _urls(experiment):
        lines = _lines(client.get(url, {"export": "rows"}))
        rows = client.get(url, {"include": "rows"}).json()["rows"]

        assert lines[0] == (list(rows[0]) if rows else ["no rows"]), url
        assert len(lines) == 1 + len(rows), url


def test_the_funnel_figures_name_modules_by_number(hr_api, cohort):
    lines = dict(_lines(hr_api.get("/api/insights/funnel/", {"export": "figures"}))[1:])

    assert lines["Enrolled"] == "6"
    assert lines["Module 1, phase"] == "Foundation"
    assert lines["Module 1, topic"] == "Reflective listening"
    assert lines["Module 1, completed"] == "6"
    assert lines["Certification rate of stayers"] == "0.0"
    assert "modules[0].phase" not in lines


def test_weeks_and_lags_are_named_by_their_date_and_their_lag(hr_api, cohort):
    kpis = dict(_lines(hr_api.get("/api/insights/kpis/", {"export": "figures"}))[1:])
    leading = dict(
        _lines(hr_api.get("/api/insights/leading-indicator/", {"export": "figures"}))[1:]
    )

    assert kpis["Week 2026-11-02, CSAT (% satisfied: 4 or 5 of 5)"] == "100.0"
    assert "Lag 0, Pearson r" in leading  # lags count from 0, not from 1
    assert "Lag 6, pairs of weeks" in leading


def test_retention_counts_are_named_by_their_day(manager_api, cohort):
    lines = dict(_lines(manager_api.get("/api/insights/retention/", {"export": "figures"}))[1:])

    assert "Groups, trained, at risk, day 90" in lines
    assert "Groups, untrained, survival at, day 365" in lines


def test_the_withheld_notes_follow_the_figures_under_note(hr_api):
    lines = _lines(hr_api.get("/api/insights/funnel/", {"export": "figures", "cohort": 999}))

    assert ["Note", "funnel: suppressed: fewer than 5 agents"] in lines


def test_a_figure_name_that_looks_like_a_formula_is_escaped():
    text = exports.figures_csv({"figures": {"=cmd": 1}, "notes": []})

    assert "'=cmd" in text
