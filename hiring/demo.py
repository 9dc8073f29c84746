"""The demo's hiring rounds: an opening for the case-study team with four candidates, two
interviewers (the demo coach and manager) and their scores. One role-play is scored by the
coach only, so the manager has a blind score of their own to give. And an earlier, closed
round Ada (the demo agent) was hired from, so her plan shows her starting point."""

import datetime

from django.db import transaction
from django.utils import timezone

from hiring import services
from hiring.models import Candidate, Opening

DEMO_TITLE = "Support agents, winter intake"
# Ada's role-play in the autumn intake, by the coach and by the manager.
EARLIER_SCORES = ((3, 3, 2, 3), (3, 2, 2, 3))
# name, e-mail, stage, coach's scores, manager's scores (None: not scored yet); criteria in
# the rubric's order: listening, tone, validation, resolution orientation.
DEMO_CANDIDATES = [
    ("Priya Nair", "priya.nair@candidates.example", "offer", (5, 4, 5, 4), (4, 4, 5, 4)),
    ("Tom Becker", "tom.becker@candidates.example", "interviewing", (4, 5, 2, 4), (4, 3, 4, 4)),
    ("Lena Ortiz", "lena.ortiz@candidates.example", "rejected", (2, 3, 2, 3), (3, 3, 2, 2)),
    ("Sam Okafor", "sam.okafor@candidates.example", "interviewing", (3, 4, 4, 3), None),
]


@transaction.atomic
def demo_hiring_create(*, manager, coach, team, hired=None) -> Opening | None:
    """The demo opening, scored, and with `hired` (an agent of a team `manager` manages)
    the earlier round they were hired from; None when it exists already (idempotent)."""
    if Opening.objects.filter(title=DEMO_TITLE).exists():
        return None
    if hired is not None:
        _earlier_round_create(manager=manager, coach=coach, agent=hired)
    opening = services.opening_create(
        by=manager, title=DEMO_TITLE, team=team, interviewers=[coach, manager]
    )
    keys = list(opening.rubric.criteria.order_by("order", "id").values_list("key", flat=True))
    held_on = timezone.localdate() - datetime.timedelta(days=3)
    for name, email, stage, by_coach, by_manager in DEMO_CANDIDATES:
        candidate = services.candidate_add(opening=opening, name=name, email=email)
        interview = services.interview_create(candidate=candidate, held_on=held_on)
        for interviewer, scores in ((coach, by_coach), (manager, by_manager)):
            if scores is not None:
                services.interview_score_submit(
                    interview=interview,
                    interviewer=interviewer,
                    values=dict(zip(keys, scores, strict=True)),
                    notes=f"Demo notes on {name.split()[0]}'s role-play.",
                )
        if stage != candidate.stage:
            services.candidate_update(candidate=candidate, stage=stage)
    return opening


def _earlier_round_create(*, manager, coach, agent) -> Opening:
    """The closed round `agent` was hired from (their role-play a few days before their
    hire date), scored by the coach and the manager and kept as their starting point. The
    account and its team exist already (the demo made them, and the manager does not run
    that team), so the round and the hire are recorded as they would have been."""
    hired_on = agent.hired_on or timezone.localdate()
    opening = Opening.objects.create(
        title=f"Support agents, {hired_on:%B %Y} intake",
        team=agent.team,
        rubric=services.interview_rubric_default(),
        created_by=manager,
    )
    opening.interviewers.set([coach, manager])
    keys = list(opening.rubric.criteria.order_by("order", "id").values_list("key", flat=True))
    candidate = services.candidate_add(
        opening=opening, name=agent.display_name or agent.email, email=agent.email
    )
    interview = services.interview_create(
        candidate=candidate, held_on=hired_on - datetime.timedelta(days=5)
    )
    for interviewer, scores in zip((coach, manager), EARLIER_SCORES, strict=True):
        services.interview_score_submit(
            interview=interview,
            interviewer=interviewer,
            values=dict(zip(keys, scores, strict=True)),
            notes="Demo notes: warm, but jumped to the fix before naming the problem.",
        )
    Candidate.objects.filter(pk=candidate.pk).update(
        stage=Candidate.Stage.HIRED,
        agent=agent,
        stage_changed_at=timezone.make_aware(datetime.datetime.combine(hired_on, datetime.time(9))),
    )
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)
    return opening
