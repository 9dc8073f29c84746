"""Hiring's rules: the default rubric, blind and final scores, the comparison, hiring into an
agent account, and retention."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Invitation, Outbox, User
from cohorts.models import Enrollment
from hiring import selectors, services
from hiring.models import Candidate, Interview, InterviewScore
from programs.models import Rubric
from tests.factories import CohortFactory, ManagerFactory, ScenarioCardFactory
from tests.hiring.conftest import every, library_card, values

pytestmark = pytest.mark.django_db


def test_an_opening_is_scored_on_the_seeds_four_criteria_by_default(opening):
    keys = list(opening.rubric.criteria.order_by("order").values_list("key", flat=True))
    assert keys == ["listening", "tone", "validation", "resolution_orientation"]
    assert opening.rubric.is_published


def test_a_new_published_version_of_the_interview_rubric_is_used_by_new_openings(
    opening, manager, team
):
    from programs.services import rubric_new_version, rubric_publish

    v2 = rubric_new_version(rubric=opening.rubric)
    v2.criteria.filter(key="tone").update(name="Tone of voice")
    rubric_publish(rubric=v2)
    later = services.opening_create(by=manager, title="Later", team=team)
    assert later.rubric == v2
    assert Rubric.objects.get(pk=opening.rubric.pk).version == 1  # the first keeps v1


def test_only_a_manager_of_the_team_may_open_hiring_for_it(team):
    with pytest.raises(ValidationError) as error:
        services.opening_create(by=ManagerFactory(), title="Not mine", team=team)
    assert "team" in error.value.message_dict


def test_an_agent_cannot_be_an_interviewer(manager, team, outsiders):
    with pytest.raises(ValidationError) as error:
        services.opening_create(by=manager, title="x", team=team, interviewers=[outsiders["agent"]])
    assert "interviewers" in error.value.message_dict


def test_a_role_play_without_a_card_draws_one_from_the_library(candidate):
    card = library_card()
    ScenarioCardFactory(program__status="draft")  # not in the library
    interview = services.interview_create(candidate=candidate)
    assert interview.scenario == card
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.INTERVIEWING


def test_only_the_openings_interviewers_score(interview, manager):
    with pytest.raises(ValidationError) as error:
        services.interview_score_submit(interview=interview, interviewer=manager, values=values())
    assert "interviewer" in error.value.message_dict


def test_a_score_is_final_once_submitted(interview, coach):
    services.interview_score_submit(interview=interview, interviewer=coach, values=values())
    with pytest.raises(ValidationError):
        services.interview_score_submit(interview=interview, interviewer=coach, values=values(5))
    assert InterviewScore.objects.get().values == values()


def test_a_score_needs_every_criterion_within_its_scale(interview, coach):
    with pytest.raises(ValidationError) as error:
        services.interview_score_submit(
            interview=interview, interviewer=coach, values={"listening": 7}
        )
    assert "values" in error.value.message_dict


def test_an_interviewer_sees_only_their_own_score_until_they_submit(
    interview, coach, second_interviewer
):
    services.interview_score_submit(interview=interview, interviewer=coach, values=values(4))
    assert not selectors.interview_unblinded(interview=interview, user=second_interviewer)
    assert list(selectors.interview_scores_for(interview=interview, user=second_interviewer)) == []
    assert selectors.interview_unblinded(interview=interview, user=coach)

    services.interview_score_submit(
        interview=interview, interviewer=second_interviewer, values=values(2)
    )
    assert selectors.interview_scores_for(interview=interview, user=second_interviewer).count() == 2


def test_the_manager_running_the_opening_without_interviewing_sees_every_score(
    interview, coach, manager
):
    services.interview_score_submit(interview=interview, interviewer=coach, values=values())
    assert selectors.interview_scores_for(interview=interview, user=manager).count() == 1


def test_the_comparison_ranks_by_mean_and_flags_a_disagreement_over_one_point(
    opening, coach, second_interviewer
):
    low = services.candidate_add(opening=opening, name="Lou", email="lou@mail.test")
    high = services.candidate_add(opening=opening, name="Hal", email="hal@mail.test")
    services.candidate_add(opening=opening, name="Una", email="una@mail.test")  # not scored
    plays = [(low, every(2), every(3)), (high, values(4, tone=5), values(4, tone=3))]
    for who, by_coach, by_other in plays:
        interview = services.interview_create(candidate=who)
        services.interview_score_submit(interview=interview, interviewer=coach, values=by_coach)
        services.interview_score_submit(
            interview=interview, interviewer=second_interviewer, values=by_other
        )

    rows = selectors.comparison_rows(opening=opening)

    ranking = [(r["rank"], r["candidate"].name) for r in rows]
    assert ranking == [(1, "Hal"), (2, "Lou"), (None, "Una")]
    hal = next(c for c in rows[0]["criteria"] if c["key"] == "tone")
    assert (str(hal["mean"]), hal["spread"], hal["disagreement"]) == ("4.00", 2, True)
    lou = next(c for c in rows[1]["criteria"] if c["key"] == "tone")
    assert (str(lou["mean"]), lou["spread"], lou["disagreement"]) == ("2.50", 1, False)
    assert str(rows[1]["mean"]) == "2.50"


def test_hiring_makes_an_invited_agent_in_the_team_enrolled_in_the_primer(
    candidate, interview, coach, manager, team
):
    services.interview_score_submit(interview=interview, interviewer=coach, values=every(4))
    primer = CohortFactory(name="Primer, June")
    primer.facilitators.add(manager)

    agent = services.candidate_hire(candidate=candidate, by=manager, cohort=primer)

    assert (agent.role, agent.team, agent.email) == (User.Role.AGENT, team, "cara@mail.test")
    assert not agent.has_usable_password()
    assert Invitation.objects.filter(user=agent, invited_by=manager).exists()
    assert Outbox.objects.filter(recipient=agent, kind="invitation").exists()
    assert Enrollment.objects.filter(agent=agent, cohort=primer).exists()
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.agent) == (Candidate.Stage.HIRED, agent)
    point = selectors.starting_point_candidate(agent=agent, user=agent)
    (row,) = selectors.comparison_rows(opening=point.opening, candidates=[point])
    assert str(row["mean"]) == "4.00"


def test_the_starting_point_is_shown_to_the_agent_and_their_manager_only(
    candidate, manager, outsiders
):
    agent = services.candidate_hire(candidate=candidate, by=manager)
    assert selectors.starting_point_candidate(agent=agent, user=agent) == candidate
    assert selectors.starting_point_candidate(agent=agent, user=manager) == candidate
    for person in outsiders.values():
        assert selectors.starting_point_candidate(agent=agent, user=person) is None


@pytest.mark.parametrize(
    ("given", "cohort_zone", "expected"),
    [
        ("America/Chicago", "Europe/Paris", "America/Chicago"),
        ("", "Europe/Paris", "Europe/Paris"),
        ("", None, "UTC"),
    ],
)
def test_the_new_agents_time_zone_is_given_or_the_cohorts_or_utc(
    candidate, manager, given, cohort_zone, expected
):
    cohort = None
    if cohort_zone:
        cohort = CohortFactory(time_zone=cohort_zone)
        cohort.facilitators.add(manager)

    agent = services.candidate_hire(candidate=candidate, by=manager, cohort=cohort, time_zone=given)

    assert agent.time_zone == expected


def test_hiring_with_a_time_zone_that_does_not_exist_is_refused(candidate, manager):
    with pytest.raises(ValidationError) as error:
        services.candidate_hire(candidate=candidate, by=manager, time_zone="Mars/Olympus")
    assert "time_zone" in error.value.message_dict
    assert not User.objects.filter(email="cara@mail.test").exists()


def test_hiring_into_a_cohort_someone_else_facilitates_is_refused(candidate, manager):
    with pytest.raises(ValidationError) as error:
        services.candidate_hire(candidate=candidate, by=manager, cohort=CohortFactory())
    assert "cohort" in error.value.message_dict
    assert not User.objects.filter(email="cara@mail.test").exists()


def test_hiring_a_candidate_whose_address_has_an_account_is_refused(candidate, manager):
    ManagerFactory(email="CARA@mail.test")
    with pytest.raises(ValidationError) as error:
        services.candidate_hire(candidate=candidate, by=manager)
    assert "email" in error.value.message_dict


def test_the_hired_stage_is_reached_only_by_hiring(candidate):
    with pytest.raises(ValidationError):
        services.candidate_update(candidate=candidate, stage=Candidate.Stage.HIRED)


def test_deleting_a_candidate_deletes_their_role_plays_and_scores(candidate, interview, coach):
    services.interview_score_submit(interview=interview, interviewer=coach, values=values())
    services.candidate_delete(candidate=candidate)
    assert not Candidate.objects.exists()
    assert not Interview.objects.exists()
    assert not InterviewScore.objects.exists()


def test_the_retention_sweep_deletes_candidates_not_hired_after_the_period(
    opening, manager, coach, settings
):
    settings.ATTUNE_HIRING_RETENTION_DAYS = 180
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        rejected = services.candidate_add(opening=opening, name="Rex", email="rex@mail.test")
        services.candidate_update(candidate=rejected, stage=Candidate.Stage.REJECTED)
        services.interview_score_submit(
            interview=services.interview_create(candidate=services.candidate_add(
                opening=opening, name="Ida", email="ida@mail.test")),
            interviewer=coach, values=values(),
        )  # fmt: skip
        hired = services.candidate_add(opening=opening, name="Hana", email="hana@mail.test")
        services.candidate_hire(candidate=hired, by=manager)
    with time_machine.travel(start + datetime.timedelta(days=100), tick=False):
        recent = services.candidate_add(opening=opening, name="Rita", email="rita@mail.test")

    with time_machine.travel(start + datetime.timedelta(days=179), tick=False):
        assert services.candidates_retention_sweep() == 0
    with time_machine.travel(start + datetime.timedelta(days=181), tick=False):
        assert services.candidates_retention_sweep() == 2  # Rex and Ida, with her score
        assert services.candidates_retention_sweep() == 0  # a rerun finds nothing

    assert set(Candidate.objects.values_list("name", flat=True)) == {"Hana", recent.name}
    assert not InterviewScore.objects.exists()


def test_the_retention_period_is_configurable(opening, settings):
    settings.ATTUNE_HIRING_RETENTION_DAYS = 30
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        services.candidate_add(opening=opening, name="Rex", email="rex@mail.test")
    with time_machine.travel(start + datetime.timedelta(days=31), tick=False):
        assert services.candidates_retention_sweep() == 1


def test_the_retention_task_runs_the_sweep_and_beat_starts_it_daily(opening):
    from django_celery_beat.models import PeriodicTask

    from hiring.tasks import candidates_retention_sweep_task

    task = PeriodicTask.objects.get(task="hiring.tasks.candidates_retention_sweep_task")
    assert task.enabled
    assert task.crontab.hour == "3"
    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)):
        services.candidate_add(opening=opening, name="Old", email="old@mail.test")
    with time_machine.travel(datetime.datetime(2030, 12, 1, tzinfo=datetime.UTC)):
        candidates_retention_sweep_task.delay()
    assert not opening.candidates.exists()


def test_the_hired_agents_invitation_is_recorded_as_a_task_intent_with_the_hire(candidate, manager):
    from jobs.models import TaskIntent

    agent = services.candidate_hire(candidate=candidate, by=manager)
    outbox = Outbox.objects.get(recipient=agent, kind="invitation")
    assert TaskIntent.objects.filter(
        task="accounts.tasks.outbox_deliver_batch", args=[[outbox.pk]]
    ).exists()
