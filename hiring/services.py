"""Hiring's writes: openings, candidates, interviews and their blind scores, hiring a
candidate into an agent account, and deleting candidates who were not hired. Every
function is atomic, takes keyword arguments and raises ValidationError with field names.
See docs/hiring.md."""

import datetime
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.invitations import invitations_send
from cohorts.scope import managed_cohorts, managed_teams
from cohorts.services import enrollment_enroll, rubric_values_errors
from hiring.models import Candidate, Interview, InterviewScore, Opening
from hiring.selectors import opening_rubric_fixed
from programs.models import Program, Rubric, RubricCriterion, ScenarioCard

User = get_user_model()

INTERVIEW_RUBRIC = "Interview role-play"
# The seeds' four criteria, 1-5 each; a manager edits them as a new rubric version.
INTERVIEW_CRITERIA = [
    ("listening", "Listening", "Restates what the customer said and asks before assuming."),
    ("tone", "Tone", "Warm, calm and matched to the customer's state."),
    ("validation", "Validation", "Names the customer's feeling and the situation behind it."),
    (
        "resolution_orientation",
        "Resolution orientation",
        "Moves to a concrete next step the customer can rely on.",
    ),
]
# The retention sweep deletes this many candidates per statement.
RETENTION_BATCH = 500
INTERVIEWER_ROLES = ("coach", "manager")


@transaction.atomic
def interview_rubric_default() -> Rubric:
    """The newest published version of the interview rubric, made (v1, the seeds' four
    criteria) the first time it is needed."""
    published = (
        Rubric.objects.filter(name=INTERVIEW_RUBRIC, status=Rubric.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if published:
        return published
    rubric, created = Rubric.objects.get_or_create(
        name=INTERVIEW_RUBRIC,
        version=1,
        defaults={"description": "Scores a candidate's interview role-play (hiring)."},
    )
    if not created:
        raise ValidationError(
            {"rubric": f"Publish a version of “{INTERVIEW_RUBRIC}” or choose a rubric."}
        )
    RubricCriterion.objects.bulk_create(
        RubricCriterion(rubric=rubric, order=n, key=key, name=name, description=text)
        for n, (key, name, text) in enumerate(INTERVIEW_CRITERIA, start=1)
    )
    rubric.status = Rubric.Status.PUBLISHED
    rubric.published_at = timezone.now()
    rubric.save(update_fields=["status", "published_at"])
    return rubric


def _check_interviewers(interviewers) -> list:
    interviewers = list(interviewers)
    wrong = [p for p in interviewers if p.role not in INTERVIEWER_ROLES or not p.is_active]
    if wrong:
        names = ", ".join(str(p) for p in wrong)
        raise ValidationError({"interviewers": f"Interviewers are coaches or managers: {names}."})
    return interviewers


def _check_rubric(rubric: Rubric) -> None:
    if not rubric.is_published:
        raise ValidationError({"rubric": "Choose a published rubric version."})


@transaction.atomic
def opening_create(*, by, title: str, team, rubric: Rubric | None = None, interviewers=()):
    """Open a hiring round for a team `by` manages, scored on `rubric` (by default the
    interview rubric's newest published version)."""
    if not managed_teams(user=by).filter(pk=team.pk).exists():
        raise ValidationError({"team": "You can open hiring only for a team you manage."})
    rubric = rubric or interview_rubric_default()
    _check_rubric(rubric)
    opening = Opening.objects.create(title=title.strip(), team=team, rubric=rubric, created_by=by)
    opening.interviewers.set(_check_interviewers(interviewers))
    return opening


@transaction.atomic
def opening_update(
    *, opening: Opening, title=None, status=None, rubric=None, interviewers=None
) -> Opening:
    """Change an opening. The rubric stays fixed once a role-play is scored."""
    opening = Opening.objects.select_for_update().get(pk=opening.pk)
    if rubric is not None and rubric.pk != opening.rubric_id:
        _check_rubric(rubric)
        if opening_rubric_fixed(opening=opening):
            raise ValidationError({"rubric": "Role-plays are scored on this rubric already."})
        opening.rubric = rubric
    if title is not None:
        opening.title = title.strip()
    if status is not None:
        opening.status = status
    opening.full_clean(exclude=["interviewers"])
    opening.save()
    if interviewers is not None:
        opening.interviewers.set(_check_interviewers(interviewers))
    return opening


@transaction.atomic
def candidate_add(*, opening: Opening, name: str, email: str, phone: str = "") -> Candidate:
    if opening.status != Opening.Status.OPEN:
        raise ValidationError({"opening": "This opening is closed."})
    candidate = Candidate(
        opening=opening,
        name=name.strip(),
        email=User.objects.normalize_email(email).lower(),
        phone=phone.strip(),
        stage_changed_at=timezone.now(),
    )
    candidate.full_clean()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, now=None, **fields) -> Candidate:
    """Correct a candidate's name or contact, or move them to another stage. "Hired" is
    reached only through `candidate_hire`, and a hired candidate's stage stays."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    stage = fields.pop("stage", None)
    if stage is not None and stage != candidate.stage:
        if candidate.stage == Candidate.Stage.HIRED:
            raise ValidationError({"stage": "This candidate was hired; the stage stays."})
        if stage == Candidate.Stage.HIRED:
            raise ValidationError({"stage": "Use “Hire”: it makes the candidate's account."})
        candidate.stage = stage
        candidate.stage_changed_at = now or timezone.now()
    for name in ("name", "email", "phone"):
        if name in fields:
            setattr(candidate, name, fields[name].strip())
    candidate.full_clean()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_delete(*, candidate: Candidate) -> None:
    """Delete a candidate with their role-plays, scores and notes, at once and for good."""
    Candidate.objects.filter(pk=candidate.pk).delete()


def _draw_scenario(candidate: Candidate) -> ScenarioCard | None:
    """A card from the published programs' library this candidate has not played yet."""
    played = candidate.interviews.exclude(scenario=None).values("scenario")
    cards = list(
        ScenarioCard.objects.filter(program__status=Program.Status.PUBLISHED)
        .exclude(pk__in=played)
        .values_list("pk", flat=True)
    )
    return ScenarioCard.objects.get(pk=random.choice(cards)) if cards else None


@transaction.atomic
def interview_create(
    *, candidate: Candidate, held_on: datetime.date | None = None, scenario=None
) -> Interview:
    """A role-play for `candidate` on `scenario`, or on a card drawn from the library."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.stage in (Candidate.Stage.REJECTED, Candidate.Stage.WITHDRAWN):
        raise ValidationError({"candidate": "This candidate is no longer in the process."})
    interview = Interview.objects.create(
        candidate=candidate,
        scenario=scenario or _draw_scenario(candidate),
        held_on=held_on or timezone.localdate(),
    )
    if candidate.stage == Candidate.Stage.APPLIED:
        candidate.stage = Candidate.Stage.INTERVIEWING
        candidate.stage_changed_at = timezone.now()
        candidate.save(update_fields=["stage", "stage_changed_at"])
    return interview


@transaction.atomic
def interview_score_submit(
    *, interview: Interview, interviewer, values: dict, notes: str = "", now=None
) -> InterviewScore:
    """An interviewer's score of one role-play, made blind and final once submitted: nobody
    changes it afterwards, so what the others' scores show cannot move it."""
    opening = interview.candidate.opening
    if not opening.interviewers.filter(pk=interviewer.pk).exists():
        raise ValidationError({"interviewer": "You are not an interviewer of this opening."})
    if errors := rubric_values_errors(rubric=opening.rubric, values=values):
        raise ValidationError({"values": errors})
    if InterviewScore.objects.filter(interview=interview, interviewer=interviewer).exists():
        raise ValidationError({"interview": "You have scored this role-play already."})
    try:
        with transaction.atomic():
            return InterviewScore.objects.create(
                interview=interview,
                interviewer=interviewer,
                values=values,
                notes=notes.strip(),
                submitted_at=now or timezone.now(),
            )
    except IntegrityError as error:  # a second submit raced the first
        raise ValidationError({"interview": "You have scored this role-play already."}) from error


@transaction.atomic
def candidate_hire(*, candidate: Candidate, by, cohort=None, time_zone: str = "", now=None):
    """Hire `candidate`: an agent account in the opening's team, with the normal invitation
    to set a password (docs/invitations.md), optionally enrolled in a cohort `by`
    facilitates (the new-hire primer). Their interview scores stay with the candidate row,
    now linked to the account, as the agent's starting point. The agent's time zone is
    `time_zone`, or without one the cohort's, or UTC. Returns the account."""
    now = now or timezone.now()
    time_zone = (time_zone or "").strip() or (cohort.time_zone if cohort else "UTC")
    candidate = Candidate.objects.select_for_update().select_related("opening").get(pk=candidate.pk)
    if candidate.stage == Candidate.Stage.HIRED:
        raise ValidationError({"candidate": "This candidate was hired already."})
    if cohort is not None and not managed_cohorts(user=by).filter(pk=cohort.pk).exists():
        raise ValidationError({"cohort": "Choose a cohort you facilitate."})
    if User.objects.filter(email__iexact=candidate.email).exists():
        raise ValidationError(
            {"email": f"An account with {candidate.email} exists already; it cannot be reused."}
        )
    agent = User(
        email=candidate.email,
        display_name=candidate.name,
        role=User.Role.AGENT,
        team=candidate.opening.team,
        time_zone=time_zone,
        hired_on=timezone.localdate(now),
    )
    agent.set_unusable_password()
    agent.full_clean()
    agent.save()
    invitations_send(users=[agent], by=by, now=now)
    if cohort is not None:
        enrollment_enroll(cohort=cohort, agent=agent, by=by)
    candidate.stage = Candidate.Stage.HIRED
    candidate.stage_changed_at = now
    candidate.agent = agent
    candidate.save(update_fields=["stage", "stage_changed_at", "agent"])
    return agent


def retention_cutoff(*, now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.ATTUNE_HIRING_RETENTION_DAYS)


def candidates_retention_sweep(*, now=None) -> int:
    """Delete every candidate not hired whose stage last changed longer ago than the
    retention period, with their role-plays, scores and notes, in batches of
    `RETENTION_BATCH`; returns how many. A rerun finds nothing more to delete."""
    cutoff = retention_cutoff(now=now)
    expired = Candidate.objects.exclude(stage=Candidate.Stage.HIRED).filter(
        stage_changed_at__lt=cutoff
    )
    deleted = 0
    while ids := list(expired.values_list("pk", flat=True)[:RETENTION_BATCH]):
        with transaction.atomic():
            Candidate.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
