"""The seeds' case study as data: a mid-size support team runs a 90-day program and its
figures move as the seed reports (CSAT 78% to 84% satisfied, rubric average 2.8 to 3.9 of
5, escalation rate 9% to 4%, annualised attrition 12% lower).

`case_study_create` writes a team whose raw data has exactly those properties, through the
same doors real data comes in: interactions through the CSV import, rubric scores through
`rubric_score_create`, the baseline through `baseline_create` and the A/B split through
`experiment_create`. Reports then have to find the changes on their own; the test suite
asserts they do, and `manage.py demo` loads it so HR can look at it (filter on the team).

Timeline, counted from `today` (the program's day 1 is D = today - 120 days):
- baseline window: the 90 days before D (the baseline assessment's window);
- the program: D to D + 90; its A/B test runs on days 61-90 (treatment: scripts and
  coaching; control: business as usual), 20 agents each;
- latest window: the 30 days before today, after the program, everyone trained.
"""

import csv
import datetime
import io
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from cohorts.models import Cohort, Enrollment, Experiment, ExperimentAssignment
from cohorts.services import experiment_create, rubric_score_create
from insights.interaction_import import interaction_import
from insights.services import baseline_create
from programs.models import Program

TEAM = "Case study: mid-size support team"
SOURCE = "case-study"
AGENTS = 40  # the team's agents who take the program (and answer the contacts)
PER_WINDOW = 25  # interactions per agent in each window; 20 of them get a CSAT answer
CSAT_ANSWERS = 20
BASELINE = {"csat_satisfied": 0.78, "escalation": 0.09, "rubric": 2.8, "escalations_resolved": 0.5}
LATEST = {"csat_satisfied": 0.84, "escalation": 0.04, "rubric": 3.9, "escalations_resolved": 0.7}
# Attrition: 6 leave in the 90-day baseline window, 2 in the latest 30 days; enough new
# hires join during the program to bring the latest window's rate 12% below the baseline's.
LEAVERS_BEFORE, LEAVERS_AFTER, ATTRITION_RATIO = 6, 2, 0.88
DOMAIN = "case-study.attune.example"


@dataclass(frozen=True)
class CaseStudy:
    team: Team
    cohort: Cohort
    experiment: Experiment
    day_one: datetime.date
    today: datetime.date


def _noon(day: datetime.date, minutes: int = 0) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    return moment + datetime.timedelta(minutes=minutes)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _exactly(share: float, count: int, rng: random.Random) -> list[bool]:
    """`count` flags of which exactly round(share x count) are True, in random order."""
    hits = round(share * count)
    flags = [True] * hits + [False] * (count - hits)
    rng.shuffle(flags)
    return flags


def case_study_create(
    *, manager: User, program: Program, today: datetime.date | None = None, seed: int = 78
) -> CaseStudy:
    """Create the case study once (idempotent: returns the existing one)."""
    today = today or timezone.localdate()
    day_one = today - datetime.timedelta(days=120)
    existing = Team.objects.filter(name=TEAM).first()
    if existing is not None:
        cohort = Cohort.objects.get(name=TEAM, program=program)
        return CaseStudy(existing, cohort, cohort.experiments.get(), day_one, today)
    with transaction.atomic():
        return _create(manager=manager, program=program, today=today, day_one=day_one, seed=seed)


def _create(*, manager, program, today, day_one, seed) -> CaseStudy:
    rng = random.Random(seed)
    team = Team.objects.create(name=TEAM)
    team.managers.add(manager)
    hired = day_one - datetime.timedelta(days=730)
    agents = [
        User.objects.create_user(
            email=f"agent{n:02d}@{DOMAIN}", password=None, display_name=f"Agent {n:02d}",
            role=User.Role.AGENT, team=team, hired_on=hired,
        )
        for n in range(1, AGENTS + 1)
    ]  # fmt: skip
    coach = User.objects.create_user(
        email=f"coach@{DOMAIN}", password=None, display_name="Case study coach",
        role=User.Role.COACH,
    )  # fmt: skip
    _people_who_come_and_go(team, hired, day_one, today)

    cohort = Cohort.objects.create(
        program=program, name=TEAM, start_date=day_one, time_zone="UTC",
        status=Cohort.Status.FINISHED,
    )  # fmt: skip
    cohort.facilitators.add(manager)
    Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, program=program, agent=agent) for agent in agents
    )
    baseline_start = day_one - datetime.timedelta(days=90)
    ab_start = day_one + datetime.timedelta(days=60)
    latest_start = today - datetime.timedelta(days=30)
    experiment = experiment_create(
        name="Case study: scripts and coaching against business as usual",
        cohort=cohort, window_start=_midnight(ab_start),
        window_end=_midnight(ab_start + datetime.timedelta(days=30)), seed=seed,
        created_by=manager,
    )  # fmt: skip
    groups = dict(experiment.assignments.values_list("agent_id", "group"))

    rows = []
    rows += _window(agents, baseline_start, 90, BASELINE, "baseline", rng)
    rows += _window(agents, day_one, 60, _between(BASELINE, LATEST), "program", rng)
    rows += _ab_window(agents, groups, ab_start, rng)
    rows += _window(agents, latest_start, 30, LATEST, "latest", rng)
    report = interaction_import(
        data=_csv(rows).encode(), source=SOURCE, agents=User.objects.filter(team=team)
    )
    if report.rejected:  # the generator writes only good rows: say so loudly if not
        raise ValueError(f"case study rows rejected: {report.rejected[:3]}")

    rubric = program.rubric
    _scores(rubric, coach, agents, baseline_start, 90, BASELINE["rubric"], rng, spread=0.1)
    _scores(rubric, coach, agents, latest_start, 30, LATEST["rubric"], rng, spread=-0.2)
    for week in range(2, 13, 2):  # the program's fortnightly QA reviews, rising
        level = BASELINE["rubric"] + (LATEST["rubric"] - BASELINE["rubric"]) * week / 12
        start = day_one + datetime.timedelta(weeks=week)
        _scores(rubric, coach, agents[::2], start, 7, round(level * 8) / 8, rng, spread=0)

    baseline_create(
        name="Case study baseline", rubric=rubric, reviewers=[coach], team=team,
        window_start=_midnight(baseline_start), window_end=_midnight(day_one),
        sample_size=200, seed=seed, created_by=manager,
    )  # fmt: skip
    return CaseStudy(team, cohort, experiment, day_one, today)


def _people_who_come_and_go(team, hired, day_one, today):
    """Leavers in the baseline and latest windows, and new hires during the program, so that
    the latest window's annualised attrition is ATTRITION_RATIO of the baseline's."""
    baseline_start = day_one - datetime.timedelta(days=90)
    latest_start = today - datetime.timedelta(days=30)

    def person(label, hired_on, left_on=None):
        return User.objects.create_user(
            email=f"{label}@{DOMAIN}", password=None, role=User.Role.AGENT, team=team,
            hired_on=hired_on, left_on=left_on, display_name=label.replace("-", " ").title(),
        )  # fmt: skip

    exposure_before = AGENTS * 90 + LEAVERS_AFTER * 90
    for n in range(LEAVERS_BEFORE):
        left = baseline_start + datetime.timedelta(days=10 + 14 * n)
        person(f"leaver-before-{n + 1}", hired, left)
        exposure_before += (left - baseline_start).days
    exposure_after = AGENTS * 30
    for n in range(LEAVERS_AFTER):
        left = latest_start + datetime.timedelta(days=10 + 10 * n)
        person(f"leaver-after-{n + 1}", hired, left)
        exposure_after += (left - latest_start).days
    # Leavers per exposure-day, after = ratio x before: the exposure the latest window needs.
    wanted = round(exposure_before * LEAVERS_AFTER / (LEAVERS_BEFORE * ATTRITION_RATIO))
    missing = wanted - exposure_after
    full, rest = divmod(missing, 30)
    for n in range(full):  # hired during the program: employed all through the window
        person(f"new-hire-{n + 1}", day_one + datetime.timedelta(days=30 + n))
    if rest:
        person("new-hire-last", today - datetime.timedelta(days=rest))


def _between(before: dict, after: dict) -> dict:
    return {key: (before[key] + after[key]) / 2 for key in before}


def _window(agents, start, days, target, label, rng) -> list[dict]:
    """PER_WINDOW contacts per agent between the window's second and second-to-last day,
    with exactly the target shares of satisfied answers, escalations and resolved
    escalations over the whole window."""
    count = len(agents) * PER_WINDOW
    answers = iter(_exactly(target["csat_satisfied"], len(agents) * CSAT_ANSWERS, rng))
    escalated = _exactly(target["escalation"], count, rng)
    resolved = iter(_exactly(target["escalations_resolved"], sum(escalated), rng))
    rows = []
    for index in range(count):
        agent = agents[index % len(agents)]
        number = index // len(agents)
        day = start + datetime.timedelta(days=1 + rng.randrange(days - 2))
        row = _row(f"{label}-{agent.pk}-{number}", agent, day, rng)
        if number < CSAT_ANSWERS:
            row["csat"] = rng.choice((4, 5)) if next(answers) else rng.choice((1, 2, 3))
        row["escalated"] = "yes" if escalated[index] else "no"
        if escalated[index]:
            solved = next(resolved)
            row["resolved"] = "yes" if solved else "no"
            row["resolved_first_contact"] = "no"
        rows.append(row)
    return rows


def _ab_window(agents, groups, start, rng) -> list[dict]:
    """Days 61-90: each treatment agent answers 16 or 17 satisfied of 20, each control
    agent 15 or 16, so the agents' own CSAT differs by 5 points on average."""
    rows, seen = [], dict.fromkeys(ExperimentAssignment.Group.values, 0)
    for agent in agents:
        treated = groups[agent.pk] == ExperimentAssignment.Group.TREATMENT
        seen[groups[agent.pk]] += 1
        odd = seen[groups[agent.pk]] % 2  # half of each group gets the higher count
        satisfied = (17 if odd else 16) if treated else (16 if odd else 15)
        answers = [True] * satisfied + [False] * (CSAT_ANSWERS - satisfied)
        rng.shuffle(answers)
        escalations = _exactly(0.04 if treated else 0.08, PER_WINDOW, rng)
        for number in range(PER_WINDOW):
            day = start + datetime.timedelta(days=1 + rng.randrange(28))
            row = _row(f"ab-{agent.pk}-{number}", agent, day, rng)
            if number < CSAT_ANSWERS:
                row["csat"] = rng.choice((4, 5)) if answers[number] else rng.choice((1, 2, 3))
            row["escalated"] = "yes" if escalations[number] else "no"
            rows.append(row)
    return rows


def _row(external_id, agent, day, rng) -> dict:
    return {
        "external_id": external_id,
        "channel": rng.choice(("call", "chat", "chat", "email")),
        "agent_email": agent.email,
        "occurred_at": _noon(day, rng.randrange(-180, 180)).isoformat(),
        "csat": "",
        "nps": rng.randrange(5, 11) if rng.random() < 0.3 else "",
        "understood": rng.randrange(5, 11) if rng.random() < 0.3 else "",
        "handle_seconds": rng.randrange(240, 720),
        "escalated": "no",
        "resolved_first_contact": "yes" if rng.random() < 0.7 else "no",
        "repeat_contact": "yes" if rng.random() < 0.1 else "no",
        "resolved": "yes",
        "resolution_seconds": rng.randrange(1, 48) * 3600,
    }


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _scores(rubric, coach, agents, start, days, mean, rng, *, spread):
    """One QA score per agent in the window whose criteria average exactly `mean` over all
    the scores (so the rubric average is mean / 5), criterion by criterion `spread` apart
    (positive: the first criteria score lower; negative: they score higher)."""
    criteria = list(rubric.criteria.order_by("order"))
    middle = (len(criteria) - 1) / 2
    targets = [mean + (index - middle) * spread for index in range(len(criteria))]
    columns = []
    for criterion, target in zip(criteria, targets, strict=True):
        total = round(target * len(agents))  # the points this criterion gets over all scores
        low, extra = divmod(total, len(agents))
        values = [low + 1] * extra + [low] * (len(agents) - extra)
        rng.shuffle(values)
        columns.append([min(criterion.scale_max, max(criterion.scale_min, v)) for v in values])
    for index, agent in enumerate(agents):
        rubric_score_create(
            rubric=rubric, scorer=coach, subject=agent, context="qa",
            values={c.key: column[index] for c, column in zip(criteria, columns, strict=True)},
            scored_at=_noon(start + datetime.timedelta(days=1 + rng.randrange(days - 2))),
        )  # fmt: skip
