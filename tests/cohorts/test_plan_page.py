import datetime

import pytest
import time_machine

from accounts.calendar import calendar_token_regenerate, feed_url
from accounts.models import Notification
from cohorts import services
from cohorts.models import CoachingPair, ModuleProgress, RubricScore, ScheduleItem

pytestmark = pytest.mark.django_db
WEEK_ONE = datetime.datetime(2026, 10, 27, 15, tzinfo=datetime.UTC)  # day 2 of `started`


def test_the_plan_shows_the_week_and_marks_prework_done(client, started):
    enrollment = started.enrollments.first()
    module = started.schedule_items.get(title="Reflective listening")
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()
        response = client.post(f"/plan/prework/{module.pk}/", follow=True)

    assert "Reflective listening" in page
    assert "Read Reflective listening" in page  # the pre-work content
    assert 'role="progressbar"' in page
    assert "Pre-work for “Reflective listening” is marked done." in response.content.decode()
    assert ModuleProgress.objects.get(enrollment=enrollment, item=module).prework_done_at


def test_an_agent_cannot_mark_prework_of_another_cohort(client, started):
    from tests.factories import AgentFactory

    module = started.schedule_items.get(title="Reflective listening")
    client.force_login(AgentFactory())

    assert client.post(f"/plan/prework/{module.pk}/").status_code == 404


def test_the_calendar_link_is_created_from_the_plan(client, started):
    agent = started.enrollments.first().agent
    client.force_login(agent)

    page = client.post("/plan/calendar/", follow=True).content.decode()

    agent.refresh_from_db()
    assert agent.calendar_token
    assert feed_url(agent) in page


# --- Overdue items, named -----------------------------------------------------------------

DAY_TWELVE = datetime.datetime(2026, 11, 6, 15, tzinfo=datetime.UTC)  # Friday of week 2


def test_the_overdue_items_are_named_with_their_due_dates_in_the_agents_zone(client, started):
    agent = started.enrollments.first().agent
    agent.time_zone = "Europe/Paris"
    agent.save(update_fields=["time_zone"])
    client.force_login(agent)

    with time_machine.travel(DAY_TWELVE, tick=False):
        page = client.get("/plan/").content.decode()

    assert "3 overdue" in page
    # Empathy basics: 10:00-11:00 in New York on 28 October is 15:00-16:00 in Paris.
    assert "<strong>Empathy basics</strong>" in page
    assert "due by Wednesday 28 October, 16:00" in page
    # Reflective listening is due at midnight in New York (05:00 UTC): shown the minute before.
    assert "<strong>Reflective listening</strong>" in page
    assert "due by Monday 2 November, 05:59" in page
    assert "<strong>Active listening</strong>" in page
    assert "<strong>Tone matching</strong>" in page  # this week's module: named, not overdue
    assert page.count("due by") == 4  # three overdue items and this week's module


def test_done_items_are_not_listed_as_overdue(client, started):
    enrollment = started.enrollments.first()
    workshop = started.schedule_items.get(title="Empathy basics")
    services.attendance_record(
        item=workshop, attended={enrollment.pk: True}, by=started.facilitators.get()
    )
    client.force_login(enrollment.agent)

    with time_machine.travel(DAY_TWELVE, tick=False):
        page = client.get("/plan/").content.decode()

    assert "2 overdue" in page
    assert "<strong>Empathy basics</strong>" not in page


# --- What completes a module --------------------------------------------------------------


def _percent(page: str) -> str:
    return page.split('aria-valuenow="', 1)[1].split('"', 1)[0]


def test_the_module_says_what_completes_it_from_its_settings(client, started):
    enrollment = started.enrollments.first()
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()

    assert "counts as done when both steps are done" in page
    assert "1. Pre-work (5 minutes)" in page
    assert "2. Live practice (25 minutes)" in page
    assert "Not recorded yet" in page  # live practice
    assert "Mark pre-work done" in page


def test_prework_without_recorded_practice_leaves_progress_and_says_why(client, started):
    enrollment = started.enrollments.first()
    module = started.schedule_items.get(title="Reflective listening")
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        before = client.get("/plan/").content.decode()
        after = client.post(f"/plan/prework/{module.pk}/", follow=True).content.decode()

    assert _percent(after) == _percent(before)
    assert "Pre-work done" in after
    assert "it counts when your facilitator records your live practice" in after
    # The message is shown in the module's own section.
    assert f'id="module-{module.pk}"' in after
    assert "The module counts when your facilitator records your live practice." in after


def test_prework_after_recorded_practice_completes_the_module_and_moves_progress(client, started):
    enrollment = started.enrollments.first()
    module = started.schedule_items.get(title="Reflective listening")
    services.practice_record(
        item=module, attended={enrollment.pk: True}, by=started.facilitators.get()
    )
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        before = client.get("/plan/").content.decode()
        response = client.post(f"/plan/prework/{module.pk}/")
        after = client.get("/plan/").content.decode()

    assert response["Location"] == f"/plan/#module-{module.pk}"
    assert "Recorded by your facilitator" in before
    assert float(_percent(after)) > float(_percent(before))
    assert "Module complete:" in after


def test_practice_recorded_as_missed_is_said(client, started):
    enrollment = started.enrollments.first()
    module = started.schedule_items.get(title="Reflective listening")
    services.practice_record(
        item=module, attended={enrollment.pk: False}, by=started.facilitators.get()
    )
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()

    assert "Recorded as missed" in page


# --- Calendar -----------------------------------------------------------------------------


def test_the_plan_offers_a_webcal_subscription_of_the_feed(client, started):
    agent = started.enrollments.first().agent
    calendar_token_regenerate(user=agent)
    client.force_login(agent)

    page = client.get("/plan/").content.decode()

    url = feed_url(agent)
    assert url.startswith("http")
    assert f'href="webcal://{url.split("://", 1)[1]}"' in page
    assert f'value="{url}"' in page  # selectable without JavaScript
    assert 'data-copy="calendar-url"' in page  # the copy button, added by copy.js


def test_replacing_the_link_asks_first_and_says_old_links_stop_working(client, started):
    agent = started.enrollments.first().agent
    calendar_token_regenerate(user=agent)
    agent.refresh_from_db()
    old = agent.calendar_token
    client.force_login(agent)

    confirm = client.get("/plan/calendar/")
    agent.refresh_from_db()

    assert confirm.status_code == 200
    assert "stops working at once, in every calendar app that uses it" in confirm.content.decode()
    assert agent.calendar_token == old  # asking changed nothing

    response = client.post("/plan/calendar/", follow=True)
    agent.refresh_from_db()

    assert agent.calendar_token != old
    assert "the old one stopped working" in response.content.decode()


def test_without_a_link_the_replace_page_sends_back_to_the_plan(client, started):
    client.force_login(started.enrollments.first().agent)

    response = client.get("/plan/calendar/")

    assert response["Location"] == "/plan/#calendar"


def test_a_manager_cannot_use_the_agents_calendar_page(client, started):
    client.force_login(started.facilitators.get())

    assert client.get("/plan/calendar/").status_code == 403
    assert client.post("/plan/calendar/").status_code == 403


def test_the_notifications_card_links_to_the_notifications_page_with_the_unread_count(
    client, started
):
    agent = started.enrollments.first().agent
    for n in range(7):
        Notification.objects.create(user=agent, kind="prework_due", title=f"Reminder {n}")
    client.force_login(agent)

    page = client.get("/plan/").content.decode()

    assert 'href="/notifications/">All your notifications (7 unread)</a>' in page


# --- The weekly coaching session ----------------------------------------------------------

COACHING_WEEK_ONE = datetime.datetime(2026, 11, 26, 15, tzinfo=datetime.UTC)  # day 32


def _pair_of(enrollment, week=1) -> CoachingPair:
    return CoachingPair.objects.get(members__enrollment=enrollment, week=week)


@pytest.fixture
def coaching(started):
    """The first agent's pair in coaching week 1, whose session is in Room 4 or by video."""
    ScheduleItem.objects.filter(cohort=started, kind=ScheduleItem.Kind.COACHING).update(
        location="Room 4", video_link="https://meet.example.com/coaching"
    )
    enrollment = started.enrollments.order_by("pk").first()
    pair = _pair_of(enrollment)
    partner = pair.members.exclude(enrollment=enrollment).first().enrollment.agent
    return pair, enrollment.agent, partner


def _score_data(partner, **overrides):
    data = {"subject": str(partner.pk), "strength": "Kept calm.", "next_step": "Recap."}
    for key in ("tone", "validation", "paraphrase", "question_quality", "actionable_closure"):
        data[f"score_{key}"] = "4"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_plan_shows_this_weeks_coaching_session_and_links_to_it(client, coaching):
    pair, agent, partner = coaching
    client.force_login(agent)

    with time_machine.travel(COACHING_WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()

    assert "Room 4" in page
    assert partner.display_name in page
    assert f'href="/plan/coaching/{pair.pk}/"' in page


def test_the_coaching_page_shows_time_place_and_partner(client, coaching):
    pair, agent, partner = coaching
    client.force_login(agent)

    with time_machine.travel(COACHING_WEEK_ONE, tick=False):
        page = client.get(f"/plan/coaching/{pair.pk}/").content.decode()

    # Day 31 (25 November) at 10:00 in New York; the agent's zone is UTC: 15:00.
    assert "Wednesday 25 November, 15:00" in page
    assert "Room 4" in page
    assert 'href="https://meet.example.com/coaching"' in page
    assert partner.display_name in page


def test_a_member_records_the_session_held_with_notes_and_it_counts(client, coaching):
    pair, agent, _ = coaching
    client.force_login(agent)

    with time_machine.travel(COACHING_WEEK_ONE, tick=False):
        response = client.post(
            f"/plan/coaching/{pair.pk}/session/", {"session": "held", "notes": "Tone drills."}
        )
        page = client.get(f"/plan/coaching/{pair.pk}/").content.decode()

    pair.refresh_from_db()
    assert response["Location"] == f"/plan/coaching/{pair.pk}/#session"
    assert pair.session == CoachingPair.Session.HELD
    assert pair.session_notes == "Tone drills."
    assert "Recorded: the session took place." in page
    assert "Took place" in page


def test_recording_the_session_without_an_answer_is_an_error_by_the_field(client, coaching):
    pair, agent, _ = coaching
    client.force_login(agent)

    response = client.post(f"/plan/coaching/{pair.pk}/session/", {"notes": "?"})
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="id_session_error"' in page
    assert "Say whether the session took place." in page
    assert 'aria-invalid="true"' in page
    pair.refresh_from_db()
    assert pair.session == CoachingPair.Session.PLANNED


def test_a_member_scores_the_partner_with_the_rubric(client, coaching):
    pair, agent, partner = coaching
    client.force_login(agent)

    response = client.post(f"/plan/coaching/{pair.pk}/score/", _score_data(partner))
    page = client.get(f"/plan/coaching/{pair.pk}/").content.decode()

    score = RubricScore.objects.get(coaching_pair=pair, scorer=agent)
    assert response["Location"] == f"/plan/coaching/{pair.pk}/#score"
    assert score.subject == partner
    assert score.context == RubricScore.Context.PEER
    assert score.percent == 80
    assert score.strength == "Kept calm."
    assert f"Your score for {partner.display_name} is saved." in page
    assert "Save my score" not in page  # the only partner is scored: no second score


def test_a_missing_criterion_is_an_error_next_to_that_criterion(client, coaching):
    pair, agent, partner = coaching
    client.force_login(agent)

    response = client.post(
        f"/plan/coaching/{pair.pk}/score/", _score_data(partner, score_paraphrase=None)
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert not RubricScore.objects.filter(coaching_pair=pair).exists()
    assert '<ul class="errorlist" id="id_score_paraphrase_error">' in page
    assert "Give a score for" in page
    assert page.count('aria-invalid="true"') == 5  # the five radios of that criterion


def test_another_agent_gets_404_on_the_pairs_page_and_actions(client, coaching, started):
    pair, _, partner = coaching
    outsider = next(
        e.agent for e in started.enrollments.all() if not pair.members.filter(enrollment=e)
    )
    client.force_login(outsider)

    assert client.get(f"/plan/coaching/{pair.pk}/").status_code == 404
    assert client.post(f"/plan/coaching/{pair.pk}/session/", {"session": "held"}).status_code == 404
    assert client.post(f"/plan/coaching/{pair.pk}/score/", _score_data(partner)).status_code == 404
    pair.refresh_from_db()
    assert pair.session == CoachingPair.Session.PLANNED
    assert not RubricScore.objects.exists()


def test_an_agent_withdrawn_from_the_cohort_can_no_longer_act_on_their_pair(
    client, coaching, started
):
    pair, agent, partner = coaching
    services.enrollment_withdraw(
        enrollment=started.enrollments.get(agent=agent), by=started.facilitators.get(),
        reason="Left the team",
    )  # fmt: skip
    client.force_login(agent)

    assert client.get(f"/plan/coaching/{pair.pk}/").status_code == 404
    assert client.post(f"/plan/coaching/{pair.pk}/score/", _score_data(partner)).status_code == 404
    assert not RubricScore.objects.exists()


def test_a_manager_gets_403_on_the_coaching_page(client, coaching, started):
    pair, _, _ = coaching
    client.force_login(started.facilitators.get())

    assert client.get(f"/plan/coaching/{pair.pk}/").status_code == 403


def test_times_on_the_plan_are_in_the_agents_zone_not_the_servers(client, started):
    # Before: the template's date filter turned every time back into the server's zone
    # (UTC) while the page said "times in Europe/Paris".
    agent = started.enrollments.first().agent
    agent.time_zone = "Europe/Paris"
    agent.save(update_fields=["time_zone"])
    client.force_login(agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()

    # Reflective listening is due at midnight in New York (05:00 UTC, 06:00 in Paris).
    assert "due by Monday 2 November, 05:59" in page
    assert "times in Europe/Paris" in page


def test_a_partner_scored_once_is_not_scored_again_from_the_page(client, coaching):
    pair, agent, partner = coaching
    client.force_login(agent)
    client.post(f"/plan/coaching/{pair.pk}/score/", _score_data(partner))

    response = client.post(f"/plan/coaching/{pair.pk}/score/", _score_data(partner), follow=True)

    assert RubricScore.objects.filter(coaching_pair=pair, scorer=agent).count() == 1
    assert "You have scored every partner in this pair." in response.content.decode()


def test_a_link_that_cannot_be_shown_again_is_offered_for_replacement_not_silently_made(
    client, started
):
    agent = started.enrollments.first().agent
    agent.calendar_token = "a digest from before secrets were derived"
    agent.save(update_fields=["calendar_token"])
    client.force_login(agent)

    page = client.get("/plan/").content.decode()

    assert "made before links could be shown again" in page
    assert 'href="/plan/calendar/">Replace the link</a>' in page
    assert "Create my calendar link" not in page
    assert client.get("/plan/calendar/").status_code == 200  # asks first


def test_this_weeks_module_lists_the_exercises_that_go_with_it(client, started):
    from practice.models import Exercise

    enrollment = started.enrollments.first()
    module = started.schedule_items.get(title="Reflective listening").module
    linked = Exercise.objects.create(
        slug="empathy-map", name="Empathy map", summary="s", instructions="i", minutes=10
    )
    linked.modules.add(module)
    Exercise.objects.create(slug="other", name="Unrelated drill", summary="s", instructions="i")
    client.force_login(enrollment.agent)

    with time_machine.travel(WEEK_ONE, tick=False):
        page = client.get("/plan/").content.decode()

    assert "Exercises that go with it:" in page
    assert 'href="/practice/library/exercises/empathy-map/"' in page
    assert "Unrelated drill" not in page
