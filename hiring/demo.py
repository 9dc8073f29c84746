"""The demo's hiring round: an opening for the case-study team with four candidates, two
interviewers (the demo coach and manager) and their scores. One role-play is scored by the
coach only, so the manager has a blind score of their own to give."""

import datetime

from django.db import transaction
from django.utils import timezone

from hiring import services
from hiring.models import Opening

DEMO_TITLE = "Support agents, winter intake"
# name, e-mail, stage, coach's scores, manager's scores (None: not scored yet); criteria in
# the rubric's order: listening, tone, validation, resolution orientation.
DEMO_CANDIDATES = [
    ("Priya Nair", "priya.nair@candidates.example", "offer", (5, 4, 5, 4), (4, 4, 5, 4)),
    ("Tom Becker", "tom.becker@candidates.example", "interviewing", (4, 5, 2, 4), (4, 3, 4, 4)),
    ("Lena Ortiz", "lena.ortiz@candidates.example", "rejected", (2, 3, 2, 3), (3, 3, 2, 2)),
    ("Sam Okafor", "sam.okafor@candidates.example", "interviewing", (3, 4, 4, 3), None),
]


@transaction.atomic
def demo_hiring_create(*, manager, coach, team) -> Opening | None:
    """The demo opening, scored; None when it exists already (idempotent)."""
    if Opening.objects.filter(title=DEMO_TITLE).exists():
        return None
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
