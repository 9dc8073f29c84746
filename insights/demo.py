"""Demo helpdesk interactions, so the measurement endpoints have something to show."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from insights.interaction_weeks import interaction_weeks_refresh
from insights.models import Interaction

DEMO_SOURCE = "demo-helpdesk"
CHANNELS = ("call", "call", "chat", "chat", "chat", "email")


@transaction.atomic
def demo_interactions_create(*, agents: list[User], per_agent: int = 30) -> int:
    """Thirty interactions per demo agent over the last 60 days, with a seed so every demo
    looks the same. Idempotent: does nothing once the demo source has rows."""
    if Interaction.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    rng = random.Random(2026)
    # A generator of its own: the other metrics stay what they were before resolution.
    resolution_rng = random.Random(2027)
    now = timezone.now()
    rows = []
    for agent in agents:
        for n in range(per_agent):
            escalated = rng.random() < 0.09
            interaction = Interaction(
                source=DEMO_SOURCE,
                external_id=f"{agent.pk}-{n}",
                channel=rng.choice(CHANNELS),
                agent=agent,
                occurred_at=now - datetime.timedelta(hours=rng.randrange(1, 60 * 24)),
                csat=rng.choice((3, 4, 4, 4, 5, 5)) if rng.random() < 0.6 else None,
                nps=rng.randrange(4, 11) if rng.random() < 0.3 else None,
                understood=rng.randrange(5, 11) if rng.random() < 0.3 else None,
                handle_seconds=rng.randrange(180, 900),
                escalated=escalated,
                resolved_first_contact=not escalated and rng.random() < 0.75,
                repeat_contact=rng.random() < 0.1,
            )
            _resolve(interaction, resolution_rng, now)
            rows.append(interaction)
    Interaction.objects.bulk_create(rows)
    interaction_weeks_refresh(interactions=Interaction.objects.filter(source=DEMO_SOURCE))
    return len(rows)


def _resolve(interaction: Interaction, rng: random.Random, now: datetime.datetime) -> None:
    """Whether and how fast the contact was resolved: a first-contact resolution within
    half an hour of its handling; most escalations (85%) and other contacts (90%) after a
    few hours. A resolution that would fall after `now` leaves the contact open."""
    if interaction.resolved_first_contact:
        seconds = interaction.handle_seconds + rng.randrange(1800)
    elif rng.random() < (0.85 if interaction.escalated else 0.9):
        low, high = (2, 9) if interaction.escalated else (1, 6)
        seconds = rng.randrange(low * 3600, high * 3600)
    else:
        interaction.resolved = False
        return
    if interaction.occurred_at + datetime.timedelta(seconds=seconds) > now:
        interaction.resolved = False
        return
    interaction.resolved, interaction.resolution_seconds = True, seconds


def demo_calibration_create(*, manager: User, reviewers: list[User], rubric) -> None:
    """A calibration session on three demo interactions, scored by every reviewer, with the
    consensus recorded: the results and reviewer-quality pages have something to show.
    Idempotent: does nothing once the session exists."""
    from insights.models import CalibrationSession
    from insights.services import (
        calibration_consensus_record,
        calibration_create,
        calibration_score,
    )

    name = "Demo calibration"
    if CalibrationSession.objects.filter(name=name).exists():
        return
    interactions = list(Interaction.objects.filter(source=DEMO_SOURCE).order_by("pk")[:3])
    if len(interactions) < 3:
        return
    session = calibration_create(
        name=name, rubric=rubric, interactions=interactions, reviewers=reviewers,
        created_by=manager,
    )  # fmt: skip
    keys = list(rubric.criteria.order_by("order").values_list("key", flat=True))
    for n, interaction in enumerate(interactions):
        for r, reviewer in enumerate(reviewers):
            values = {key: 3 + (n + r + i) % 2 for i, key in enumerate(keys)}
            calibration_score(
                session=session, reviewer=reviewer, interaction=interaction, values=values
            )
        calibration_consensus_record(
            session=session, interaction=interaction, by=manager,
            values={key: 3 + (n + i) % 2 for i, key in enumerate(keys)},
            notes="Agreed after listening to the opening again.",
        )  # fmt: skip


def demo_measurement_create(*, study, manager: User) -> None:
    """The case study's cohort gets a baseline (the 90 days before day 1) and its
    end-of-program assessment (its last 30 days), both scored by the case study's coach,
    so /measurement/ shows a comparison; its follow-up is due three months after it
    finished, which in the demo is still to come. Idempotent: does nothing once the
    cohort has a baseline."""
    from cohorts.models import Cohort
    from insights.case_study import DOMAIN
    from insights.models import BaselineAssessment
    from insights.services import assessment_after_program_draw, baseline_create, baseline_score

    cohort = study.cohort
    if BaselineAssessment.objects.filter(cohort=cohort).exists():
        return
    coach = User.objects.get(email=f"coach@{DOMAIN}")
    day_one = datetime.datetime.combine(study.day_one, datetime.time.min, tzinfo=datetime.UTC)
    baseline = baseline_create(
        name="Case study cohort: baseline", rubric=cohort.program.rubric, reviewers=[coach],
        cohort=cohort, window_start=day_one - datetime.timedelta(days=90), window_end=day_one,
        sample_size=40, seed=78, created_by=manager,
    )  # fmt: skip
    if cohort.closed_at is None:  # the case study writes it finished, without a close-out
        cohort.closed_at = cohort.ends_at()
        cohort.save(update_fields=["closed_at"])
    cohort = Cohort.objects.get(pk=cohort.pk)
    end = assessment_after_program_draw(cohort=cohort, kind=BaselineAssessment.Kind.END_OF_PROGRAM)
    rng = random.Random(15)
    criteria = list(cohort.program.rubric.criteria.order_by("order"))
    for assessment, level in ((baseline, 0.45), (end, 0.72)):
        for item in assessment.items.all() if assessment else []:
            values = {
                c.key: min(c.scale_max, max(c.scale_min, round(
                    c.scale_min + (c.scale_max - c.scale_min) * level + rng.choice((-1, 0, 0, 1))
                )))
                for c in criteria
            }  # fmt: skip
            baseline_score(item=item, reviewer=coach, values=values)
