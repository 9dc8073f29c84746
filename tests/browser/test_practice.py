"""Practice in Chromium, through the pages only: an agent goes through a flashcard session
from the plan page; an agent answers a written drill and reads the feedback; a coach of the
agent's cohort marks a finding and reads the precision report; an agent logs an exercise from
the library and shares the notes with their coaching partner; an agent suggests a scenario, a
manager makes a deck, adds the suggestion to it and runs this week's standup drill's timer."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import CoachingPairMember
from practice import services
from practice.models import DrillAnswer, Exercise, ExerciseLog, FindingMark
from programs.models import Program
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    MicroScriptFactory,
    ProgramFactory,
    ReviewPlanFactory,
    ScenarioCardFactory,
)
from tests.wellbeing.conftest import coaching_cohort  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_practice(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice").click()


@pytest.fixture
def drill_setup(db):
    program = ProgramFactory(status=Program.Status.PUBLISHED, published_at=timezone.now())
    card = ScenarioCardFactory(
        program=program,
        title="Refund denied outside the window",
        persona="Marcus, a freelance photographer",
        situation="He cancelled 35 days after purchase and was refused a refund.",
        intensity="high",
        ambiguity="The confirmation e-mail did not mention the limit.",
    )
    cohort = CohortFactory(program=program, facilitators=[ManagerFactory()])
    agent = EnrollmentFactory(cohort=cohort, agent__email="ada@example.com").agent
    coach = CoachFactory(email="coach@example.com")
    ReviewPlanFactory(cohort=cohort, coaches=[coach])
    return card, agent, coach


def test_an_agent_writes_a_drill_reads_the_feedback_and_a_coach_marks_a_finding(
    page, live_server, drill_setup
):
    card, agent, coach = drill_setup
    sign_in(page, live_server, agent.email)
    _open_practice(page)
    page.get_by_role("link", name=card.title).click()
    expect(page.get_by_text("He cancelled 35 days after purchase")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your reply to the customer").fill(
        "Sorry for any inconvenience. You should have read the policy. "
        "Which e-mail address did you buy with? I will call you back by 3 pm."
    )
    page.get_by_role("button", name="Get feedback").click()
    findings = page.get_by_role("region", name="Feedback, rule by rule")
    expect(findings.get_by_text("A stock apology")).to_be_visible()
    expect(findings.get_by_text("“You should have read the policy.”")).to_be_visible()
    expect(findings.get_by_text("“I will call you back by 3 pm.”")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, coach.email)
    _open_practice(page)
    page.get_by_role("link", name=card.title).click()
    mark = page.get_by_role("form", name="Mark “Blame or defensive language” (1)")
    mark.get_by_role("button", name="Wrong").click()
    expect(page.get_by_text("Marked “Blame or defensive language” wrong.")).to_be_visible()
    expect(page.get_by_text("You marked it wrong.")).to_be_visible()
    assert_accessible(page)
    assert FindingMark.objects.get().correct is False

    page.get_by_role("link", name="how precise they are").click()
    row = page.get_by_role("row", name="Blame or defensive language")
    expect(row.get_by_role("cell", name="0%")).to_be_visible()
    assert_accessible(page)


def test_an_agent_goes_through_a_flashcard_session_from_the_plan(page, live_server, drill_setup):
    card, agent, _coach = drill_setup
    for n, text in enumerate(
        ["Thanks for the detail, here is what we can do.", "I will call you back by 3 pm."]
    ):
        MicroScriptFactory(program=card.program, kind="validation", title=f"Line {n}", text=text)
    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/plan/")
    flashcards = page.get_by_role("region", name="Flashcards")
    expect(flashcards.get_by_text("2 cards for today")).to_be_visible()
    assert_accessible(page)
    flashcards.get_by_role("link", name="Practise your flashcards").click()

    page.get_by_text("Show the answer").click()
    expect(page.get_by_text("Thanks for the detail, here is what we can do.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I knew it").click()
    expect(page.get_by_text("Box 2: it comes back in 2 days.")).to_be_visible()

    page.get_by_text("Show the answer").click()
    expect(page.get_by_text("I will call you back by 3 pm.")).to_be_visible()
    page.get_by_role("button", name="Not yet").click()
    expect(page.get_by_text("Box 1: it comes back tomorrow.")).to_be_visible()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/plan/")
    flashcards = page.get_by_role("region", name="Flashcards")
    expect(flashcards.get_by_text("Nothing due today")).to_be_visible()
    expect(flashcards.get_by_text("You went through 2 today.")).to_be_visible()


def test_an_agent_logs_an_exercise_from_the_library_and_shares_the_notes(
    page,
    live_server,
    coaching_cohort,  # noqa: F811
):
    call_command("load_playbook", verbosity=0)
    member = CoachingPairMember.objects.filter(cohort=coaching_cohort, week=1).first()
    agent = member.enrollment.agent
    partner = (
        CoachingPairMember.objects.filter(pair=member.pair).exclude(pk=member.pk).first()
    ).enrollment.agent
    sign_in(page, live_server, agent.email)
    _open_practice(page)
    page.get_by_role("link", name="The practice library").click()
    page.get_by_role("link", name="NURSE").click()
    expect(page.get_by_text("Name the feeling you notice")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Active-listening drill").click()
    page.get_by_label("Your notes (optional)").fill("I named the worry before the fix.")
    page.get_by_role("button", name="Log it as done").click()
    expect(page.get_by_text("“Active-listening drill” logged as done.")).to_be_visible()
    expect(page.get_by_text("I named the worry before the fix.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Share with my coaching partner").click()
    expect(page.get_by_text("Your coaching partner can read these notes now.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, partner.email)
    page.goto(f"{live_server.url}/practice/exercises/")
    shared = page.get_by_role("region", name="Shared with me by my coaching partners")
    expect(shared.get_by_text("I named the worry before the fix.")).to_be_visible()


def test_an_agent_deletes_a_drill_answer_and_an_exercise_log_on_the_pages(
    page, live_server, drill_setup
):
    card, agent, _coach = drill_setup
    call_command("load_playbook", verbosity=0)
    answer = services.drill_answer_submit(agent=agent, card=card, text="I hear you.")
    services.exercise_log_create(
        agent=agent, exercise=Exercise.objects.get(slug="empathy-map"), notes="Too personal."
    )
    sign_in(page, live_server, agent.email)
    _open_practice(page)
    answers = page.get_by_role("region", name="My answers")
    answers.get_by_role("link", name=card.title).click()
    page.get_by_role("link", name="Delete this answer…").click()
    asked = f"Delete your answer to “{card.title}”?"
    expect(page.get_by_role("heading", name=asked)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete it").click()
    expect(page.get_by_text(f"Your answer to “{card.title}” is deleted.")).to_be_visible()
    assert not DrillAnswer.objects.filter(pk=answer.pk).exists()

    page.goto(f"{live_server.url}/practice/exercises/")
    page.get_by_role("link", name="Delete… Empathy map", exact=False).click()
    page.get_by_role("button", name="Delete it").click()
    expect(page.get_by_text("“Empathy map” is deleted from your exercises.")).to_be_visible()
    expect(page.get_by_text("Too personal.")).to_have_count(0)
    assert not ExerciseLog.objects.exists()
    assert_accessible(page)


def test_a_facilitator_runs_this_weeks_standup_drill_and_reviews_a_suggestion(
    page, live_server, drill_setup
):
    card, agent, _coach = drill_setup
    cohort = card.program.cohorts.get()
    manager = cohort.facilitators.get()
    ScenarioCardFactory(program=card.program, title="Locked out after a reset")
    sign_in(page, live_server, agent.email)
    _open_practice(page)
    page.get_by_role("link", name="Suggest a scenario").click()
    page.get_by_role("combobox", name="Program").select_option(str(card.program.pk))
    page.get_by_label("Title").fill("Parcel left at the wrong door")
    page.get_by_label("Persona").fill("A retired teacher ordering a gift.")
    page.get_by_label("Situation").fill("The parcel shows delivered; the birthday is tomorrow.")
    page.get_by_label("Intensity").select_option("medium")
    page.get_by_role("button", name="Suggest it").click()
    expect(page.get_by_text("a training manager will review it")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, manager.email)
    _open_practice(page)
    page.get_by_role("link", name="Scenario decks").click()
    page.get_by_label("Name").fill("Standups")
    page.get_by_role("combobox", name="Program").select_option(str(card.program.pk))
    page.get_by_label(f"{card.title} ({card.program})").check()
    page.get_by_label(f"Locked out after a reset ({card.program})").check()
    page.get_by_role("button", name="Make the deck").click()
    expect(page.get_by_text("Deck “Standups” made with 2 cards.")).to_be_visible()
    assert_accessible(page)

    _open_practice(page)
    page.get_by_role("link", name="Scenarios agents suggest").click()
    review = page.get_by_role("form", name="Review “Parcel left at the wrong door”")
    review.get_by_label("Add to deck (optional)").select_option(label="Standups")
    review.get_by_role("button", name="Add as a card").click()
    expect(
        page.get_by_text("“Parcel left at the wrong door” is now a scenario card.")
    ).to_be_visible()
    assert_accessible(page)

    _open_practice(page)
    page.get_by_role("link", name="Standup drills").click()
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_label("Deck for this cohort's standups").select_option(label="Standups")
    page.get_by_role("button", name="Use this deck").click()
    expect(page.get_by_role("heading", name="This week's standup drill")).to_be_visible()
    timer = page.get_by_role("timer")
    assert timer.inner_text() == "5:00"
    page.get_by_role("button", name="Start").click()
    expect(timer).not_to_have_text("5:00")  # it counts down
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused.")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    assert timer.inner_text() == "5:00"
    assert_accessible(page)


def test_an_agent_opens_an_exercise_from_this_weeks_module_and_logs_it(
    page, live_server, running_cohort
):
    call_command("load_playbook", verbosity=0)
    module = running_cohort.schedule_items.filter(kind="module").order_by("starts_at").first()
    Exercise.objects.get(slug="empathy-map").modules.add(module.module)
    agent = running_cohort.enrollments.first().agent

    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/plan/")
    card = page.get_by_role("region", name="This week's module")
    expect(card.get_by_text("Exercises that go with it:")).to_be_visible()
    assert_accessible(page)
    card.get_by_role("link", name="Empathy map").click()
    page.get_by_role("heading", name="Empathy map").wait_for()
    page.get_by_role("button", name="Log it as done").click()

    expect(page.get_by_text("“Empathy map” logged as done.")).to_be_visible()
    assert ExerciseLog.objects.get().agent == agent
