"""Measurement in Chromium, through the pages only: a manager finds a cohort's follow-up
among their assessments and reads it side by side with the baseline."""

import pytest
from playwright.sync_api import expect

from programs.services import rubric_publish
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot, sign_in
from tests.factories import ManagerFactory, RubricCriterionFactory, RubricFactory
from tests.insights.conftest import build_comparison, finished_cohort

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def follow_up():
    manager = ManagerFactory(email="maya@example.com")
    rubric = RubricFactory(name="Empathy")
    for order, (key, name) in enumerate([("tone", "Tone"), ("validation", "Validation")]):
        RubricCriterionFactory(
            rubric=rubric, key=key, name=name, order=order, scale_min=1, scale_max=5
        )
    rubric = rubric_publish(rubric=rubric)
    cohort = finished_cohort(manager, name="Spring cohort")
    cohort.program.rubric = rubric
    cohort.program.save(update_fields=["rubric"])
    return build_comparison(cohort, rubric, manager)[1]


def _open_the_follow_up(page, live_server):
    sign_in(page, live_server, "maya@example.com")
    page.get_by_role("link", name="Measurement", exact=True).click()
    expect(page.get_by_role("heading", name="Measurement", level=1)).to_be_visible()
    row = page.get_by_role("row", name="Spring cohort: follow-up after three months")
    expect(row.get_by_text("Follow-up after three months", exact=True)).to_be_visible()
    expect(row.get_by_text("2 of 2")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("link").click()


def test_a_manager_compares_the_follow_up_with_the_baseline(page, live_server, follow_up):
    _open_the_follow_up(page, live_server)

    expect(
        page.get_by_role("heading", name="Spring cohort: follow-up after three months")
    ).to_be_visible()
    table = page.get_by_role("region", name="Figures side by side")
    headers = table.get_by_role("columnheader").all_inner_texts()
    assert headers == ["Figure", "Baseline", "End of program", "Follow-up after three months"]
    tone = table.get_by_role("row", name="Criterion: Tone")
    assert tone.get_by_role("cell").nth(2).inner_text().startswith("4.50 (n = 2)")
    assert "change from baseline: +2.00" in tone.get_by_role("cell").nth(2).inner_text()
    rubric = table.get_by_role("row", name="Rubric average").get_by_role("cell")
    assert rubric.nth(0).inner_text() == "40.0% (n = 2)"
    assert "+35.0 points" in rubric.nth(2).inner_text()
    assert_accessible(page)
    screenshot(page, "manager-measurement-comparison")
    page.get_by_role("link", name="Baseline").click()
    expect(page.get_by_role("heading", name="Before")).to_be_visible()
    assert_accessible(page)


def test_the_comparison_reads_at_phone_width(phone, live_server, follow_up):
    _open_the_follow_up(phone, live_server)

    region = phone.get_by_role("region", name="Figures side by side")
    expect(region).to_be_visible()
    assert region.get_attribute("tabindex") == "0"
    assert_accessible(phone)
    screenshot(phone, "manager-measurement-comparison-phone")
