"""Who may see what of hiring, and the comparison of an opening's candidates: one rule per
model, used by the API, the pages, the exports and the admin alike. See docs/hiring.md."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from cohorts.scope import directory_visible_to, managed_agents, managed_teams
from hiring.models import Candidate, Interview, InterviewScore, Opening
from programs.models import Program, Rubric, ScenarioCard

# Interviewers who disagree by more than this on one criterion of one role-play are flagged.
DISAGREEMENT_POINTS = 1
TWO_PLACES = Decimal("0.01")


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def opening_managed_by(*, user) -> QuerySet[Opening]:
    """The openings `user` runs: those of the teams they manage (all for a superuser)."""
    if not (_signed_in(user) and user.is_manager):
        return Opening.objects.none()
    if user.is_superuser:
        return Opening.objects.all()
    return Opening.objects.filter(team__in=managed_teams(user=user))


def opening_visible_to(*, user) -> QuerySet[Opening]:
    """The openings `user` runs or interviews for. Agents and HR have none."""
    if not _signed_in(user):
        return Opening.objects.none()
    if user.is_superuser:
        return Opening.objects.all()
    if user.role not in (user.Role.COACH, user.Role.MANAGER):
        return Opening.objects.none()
    interviewing = Opening.interviewers.through.objects.filter(user=user).values("opening")
    runs = Q(team__in=managed_teams(user=user)) if user.is_manager else Q(pk__in=[])
    return Opening.objects.filter(runs | Q(pk__in=interviewing))


def candidate_visible_to(*, user) -> QuerySet[Candidate]:
    return Candidate.objects.filter(opening__in=opening_visible_to(user=user))


def candidate_managed_by(*, user) -> QuerySet[Candidate]:
    return Candidate.objects.filter(opening__in=opening_managed_by(user=user))


def interview_visible_to(*, user) -> QuerySet[Interview]:
    return Interview.objects.filter(candidate__opening__in=opening_visible_to(user=user))


def is_interviewer(*, opening: Opening, user) -> bool:
    return opening.interviewers.filter(pk=user.pk).exists()


def interview_unblinded(*, interview: Interview, user) -> bool:
    """Calibration's rule (insights: a reviewer sees the others' scores once they have
    submitted their own; whoever runs the session sees them all), for one role-play: an
    interviewer of the opening sees the other scores once theirs is in; a manager running
    the opening who does not interview sees every score; nobody else sees any."""
    opening = interview.candidate.opening
    if is_interviewer(opening=opening, user=user):
        return interview.scores.filter(interviewer=user).exists()
    return opening_managed_by(user=user).filter(pk=opening.pk).exists()


def interview_scores_for(*, interview: Interview, user) -> QuerySet[InterviewScore]:
    """The scores of `interview` that `user` may read: their own only, while blind."""
    scores = interview.scores.select_related("interviewer").order_by("submitted_at", "id")
    if interview_unblinded(interview=interview, user=user):
        return scores
    return scores.filter(interviewer=user)


def _round(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(values) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def comparison_rows(*, opening: Opening, candidates=None) -> list[dict]:
    """The opening's candidates ranked by their mean score (unscored ones last, by name).

    For each candidate and criterion: the mean of every submitted score over all their
    role-plays, and the spread between interviewers (on one role-play, the highest score
    minus the lowest; the largest over the candidate's role-plays), flagged when it is more
    than `DISAGREEMENT_POINTS`. The overall mean weighs criteria as the rubric does.
    Three queries: criteria, candidates, scores."""
    criteria = list(opening.rubric.criteria.order_by("order", "id"))
    if candidates is None:
        candidates = opening.candidates.order_by("name", "id")
    candidates = list(candidates)
    scores = InterviewScore.objects.filter(
        interview__candidate__in=[c.pk for c in candidates]
    ).values_list("interview__candidate_id", "interview_id", "interviewer_id", "values")
    by_candidate = defaultdict(list)
    for candidate_id, interview_id, interviewer_id, values in scores:
        by_candidate[candidate_id].append((interview_id, interviewer_id, values))
    total_weight = sum(c.weight for c in criteria) or Decimal(1)
    rows = []
    for candidate in candidates:
        entries = by_candidate.get(candidate.pk, [])
        per_criterion = []
        for criterion in criteria:
            values = [v[criterion.key] for _, _, v in entries if criterion.key in v]
            per_interview = defaultdict(list)
            for interview_id, _, v in entries:
                if criterion.key in v:
                    per_interview[interview_id].append(v[criterion.key])
            spreads = [max(vs) - min(vs) for vs in per_interview.values() if len(vs) > 1]
            spread = max(spreads) if spreads else None
            per_criterion.append({
                "key": criterion.key,
                "name": criterion.name,
                "mean": _round(_mean(values)),
                "spread": spread,
                "disagreement": spread is not None and spread > DISAGREEMENT_POINTS,
            })  # fmt: skip
        means = [(c.weight, row["mean"]) for c, row in zip(criteria, per_criterion, strict=True)]
        overall = (
            sum(weight * mean for weight, mean in means) / total_weight
            if entries and all(mean is not None for _, mean in means)
            else None
        )
        rows.append({
            "candidate": candidate,
            "mean": _round(overall),
            "scores": len(entries),
            "interviewers": len({interviewer for _, interviewer, _ in entries}),
            "role_plays": len({interview for interview, _, _ in entries}),
            "criteria": per_criterion,
            "disagreement": any(row["disagreement"] for row in per_criterion),
        })  # fmt: skip
    rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), r["candidate"].name.lower()))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["mean"] is not None else None
    return rows


def starting_point_candidate(*, agent, user) -> Candidate | None:
    """The hiring record an agent started from, if `user` may read it: the agent themselves,
    and the managers whose scope holds the agent or who ran the opening."""
    candidate = Candidate.objects.select_related("opening__rubric").filter(agent=agent).first()
    if candidate is None or not _signed_in(user):
        return None
    if user.pk == agent.pk:
        return candidate
    if managed_agents(user=user).filter(pk=agent.pk).exists():
        return candidate
    if opening_managed_by(user=user).filter(pk=candidate.opening_id).exists():
        return candidate
    return None


def starting_points_readable(*, agent_ids, user) -> set[int]:
    """Of `agent_ids`, the agents hired through Attune whose starting point `user` (a
    manager) may read, by the rule of `starting_point_candidate`: one query for a page."""
    if not (_signed_in(user) and user.is_manager):
        return set()
    readable = Q(agent__in=managed_agents(user=user)) | Q(opening__in=opening_managed_by(user=user))
    found = Candidate.objects.filter(readable, agent_id__in=list(agent_ids))
    return set(found.values_list("agent_id", flat=True))


def interviewer_choices(*, user) -> QuerySet:
    """Who `user` may name as an interviewer: active coaches and managers of their directory."""
    return (
        directory_visible_to(user=user)
        .filter(role__in=["coach", "manager"], is_active=True)
        .order_by("display_name", "email")
    )


def scenario_library(*, user) -> QuerySet:
    """The scenario cards of published programs: the library interviews draw from."""
    if not (_signed_in(user) and user.is_manager):
        return ScenarioCard.objects.none()
    return ScenarioCard.objects.filter(program__status=Program.Status.PUBLISHED).order_by(
        "title", "id"
    )


def opening_rubric_fixed(*, opening) -> bool:
    """Whether a role-play of the opening is scored, which fixes its rubric."""
    return InterviewScore.objects.filter(interview__candidate__opening=opening).exists()


def interview_rubrics(*, user) -> QuerySet:
    """Published rubric versions a manager may score an opening on."""
    if not (_signed_in(user) and user.is_manager):
        return Rubric.objects.none()
    return Rubric.objects.filter(status=Rubric.Status.PUBLISHED)
