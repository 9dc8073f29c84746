"""The cohort page for a cohort of thousands: each big section comes a page at a time, a
search finds an agent, and recording attendance or live practice for one page of agents
leaves the others' records alone. (Sizes are shrunk by lowering the page sizes.)"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts import services
from cohorts.api import serializers  # noqa: F401  (cohorts.forms and cohorts.api import each other)

from cohorts import manager_views  # isort: skip
from cohorts.models import Attendance, Enrollment, ModuleProgress
from tests.cohorts.test_manager_jobs import section, url

pytestmark = pytest.mark.django_db

DAY_15 = datetime.datetime(2026, 11, 9, 15, tzinfo=datetime.UTC)
DAY_32 = datetime.datetime(2026, 11, 26, 15, tzinfo=datetime.UTC)  # coaching week 1


@pytest.fixture(autouse=True)
def day_15():
    with time_machine.travel(DAY_15, tick=False):
        yield


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def small_pages(monkeypatch):
    for name in ("ENROLLED_PER_PAGE", "ROOM_PER_PAGE", "PAIRS_PER_PAGE", "BEHIND_PER_PAGE"):
        monkeypatch.setattr(manager_views, name, 4)


def by_name(cohort):
    return list(
        cohort.enrollments.filter(status=Enrollment.Status.ACTIVE).order_by(
            "agent__display_name", "agent__email", "pk"
        )
    )


def ticks(html: str, prefix: str) -> int:
    return html.count(f'id="{prefix}-')


def test_the_attendance_form_lists_one_page_of_agents(signed_in, started, small_pages):
    first = signed_in.get(url(started)).content.decode()
    second = signed_in.get(url(started) + "?agents=2").content.decode()

    assert ticks(section(first, "attendance"), "attended") == 4
    assert ticks(section(second, "attendance"), "attended") == 2
    assert ticks(section(second, "practice"), "practised") == 2
    assert "6 active agents, 1\N{EN DASH}4 listed (page 1 of 2)" in section(first, "attendance")
    assert 'href="?agents=2#attendance"' in section(first, "attendance")


def test_saving_one_page_of_attendance_leaves_the_other_agents_alone(
    signed_in, started, small_pages, facilitator
):
    workshop = started.schedule_items.get(title="Empathy basics")
    agents = by_name(started)
    services.attendance_record(item=workshop, attended={e.pk: True for e in agents}, by=facilitator)
    page_one, page_two = agents[:4], agents[4:]

    response = signed_in.post(
        url(started, "attendance/"),
        {
            "workshop": workshop.pk,
            "shown": [e.pk for e in page_two],
            "attended": [page_two[0].pk],
            "agents": "2",
        },
    )

    recorded = dict(
        Attendance.objects.filter(item=workshop).values_list("enrollment_id", "attended")
    )
    assert [recorded[e.pk] for e in page_one] == [True] * 4
    assert [recorded[e.pk] for e in page_two] == [True, False]
    assert "agents=2" in response.url
    assert "1 of 2 attended" in signed_in.get(response.url).content.decode()


def test_the_form_says_which_agents_it_showed(signed_in, started, small_pages):
    page = section(signed_in.get(url(started) + "?agents=2").content.decode(), "attendance")

    for enrollment in by_name(started)[4:]:
        assert f'name="shown" value="{enrollment.pk}"' in page
    assert page.count('name="shown"') == 2


def test_everyone_present_still_records_the_whole_cohort(signed_in, started, small_pages):
    module = started.schedule_items.get(title="Tone matching")
    shown = [e.pk for e in by_name(started)[:4]]

    signed_in.post(
        url(started, "practice/"), {"module": module.pk, "shown": shown, "everyone": "1"}
    )

    assert ModuleProgress.objects.filter(item=module, practice_attended_at=DAY_15).count() == 6


def test_a_search_finds_an_agent_in_every_list(signed_in, started):
    wanted = by_name(started)[3]
    wanted.agent.display_name = "Zelda Quintero"
    wanted.agent.save()

    page = signed_in.get(url(started) + "?q=quinter").content.decode()

    enrolled = section(page, "enrolled")
    assert enrolled.count('class="enrolment"') == 1
    assert f'id="enrolment-{wanted.pk}"' in enrolled
    assert f'aria-label="Withdraw {wanted.agent}"' in enrolled
    assert ticks(section(page, "attendance"), "attended") == 1
    assert ticks(section(page, "practice"), "practised") == 1
    assert 'value="quinter"' in page


def test_a_search_that_finds_nobody_says_so(signed_in, started):
    page = signed_in.get(url(started) + "?q=nobody-here").content.decode()

    assert "Nobody enrolled matches “nobody-here”." in section(page, "enrolled")
    assert "No active agent matches “nobody-here”." in section(page, "attendance")


def test_page_links_keep_the_search(signed_in, started, small_pages):
    for enrollment in by_name(started):
        enrollment.agent.display_name = f"Team Blue {enrollment.pk}"
        enrollment.agent.save()

    page = signed_in.get(url(started) + "?q=blue").content.decode()

    assert 'href="?q=blue&amp;enrolled=2#enrolled"' in section(page, "enrolled")


def test_who_is_behind_is_counted_and_paged(signed_in, started, small_pages):
    first = section(signed_in.get(url(started)).content.decode(), "behind")
    second = section(signed_in.get(url(started) + "?behind=2").content.decode(), "behind")

    assert "6 active agents behind, 1\N{EN DASH}4 shown." in first
    assert first.count('role="progressbar"') == 4
    assert second.count('role="progressbar"') == 2


def test_who_is_behind_is_told_once_and_paged_in_name_order(signed_in, started, small_pages):
    agents = by_name(started)

    with CaptureQueriesContext(connection) as captured:
        second = section(signed_in.get(url(started) + "?behind=2").content.decode(), "behind")

    assert [e.agent.display_name in second for e in agents] == [False] * 4 + [True] * 2
    # The whole cohort's progress is grouped once, for the count and the page together.
    assert sum("HAVING" in query["sql"] for query in captured) == 1


def test_this_weeks_pairs_are_paged(signed_in, started, small_pages, monkeypatch, facilitator):
    monkeypatch.setattr(manager_views, "PAIRS_PER_PAGE", 2)
    with time_machine.travel(DAY_32, tick=False):
        signed_in.force_login(facilitator)  # the session of day 15 has expired
        first = section(signed_in.get(url(started)).content.decode(), "pairs")
        second = section(signed_in.get(url(started) + "?pairs=2").content.decode(), "pairs")

    assert "3 pairs, 1\N{EN DASH}2 shown." in first
    assert first.count(" &amp; ") == 2
    assert second.count(" &amp; ") == 1


def test_the_page_reads_the_same_queries_for_a_page_as_for_a_small_cohort(
    signed_in, started, small_pages
):
    from tests.cohorts.conftest import enrol

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(path).status_code == 200
        return len(captured)

    before = queries(url(started))
    enrol(started, 30)

    # More agents than a page: each section still reads one page, in as many queries.
    assert queries(url(started)) == before
    assert queries(url(started) + "?q=a&agents=2&enrolled=3&behind=2") == before
