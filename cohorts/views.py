"""The agent's web pages: my plan for this week, and what an agent does from it (pre-work,
the weekly coaching session with its peer scores, the private calendar link)."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.calendar import calendar_token_regenerate, feed_url
from accounts.models import Notification
from certification import badge_links, openbadges
from certification.models import BadgeAssertion
from certification.services import certification_status
from cohorts import selectors, services
from cohorts.models import CoachingPair, Enrollment, RubricScore, ScheduleItem
from programs.forms import RubricForm

NOTIFICATIONS_ON_PLAN = 5


def _require_agent(user):
    if user.role != user.Role.AGENT:
        raise PermissionDenied("“My plan” is for agents.")


def _zone(user) -> ZoneInfo:
    return ZoneInfo(user.time_zone or "UTC")


def _local(moment, zone):
    return moment.astimezone(zone) if moment else None


def _due_shown(item: ScheduleItem, cohort_zone: ZoneInfo, zone: ZoneInfo) -> datetime.datetime:
    """When `item` is due, in the agent's zone. Modules and coaching weeks are due at the
    cohort's local midnight: shown as the minute before, so the date is the last day."""
    due = item.due_at
    if due.astimezone(cohort_zone).time() == datetime.time.min:
        due -= datetime.timedelta(minutes=1)
    return due.astimezone(zone)


def _module_section(item: ScheduleItem) -> str:
    """The id of the module's section on the plan, where messages about it are shown."""
    return f"module-{item.pk}"


def _module_state(entry, cohort_zone, zone) -> dict | None:
    """This week's module: its two steps, each done or not, and whether it counts."""
    module = entry.this_week_module
    if module is None:
        return None
    record = selectors.module_progress_of(enrollment=entry.enrollment, item=module)
    state = next((s for s in entry.progress.items if s.item.pk == module.pk), None)
    return {
        "item": module,
        "section": _module_section(module),
        "due": _due_shown(module, cohort_zone, zone),
        "prework_done_at": _local(record and record.prework_done_at, zone),
        "practice_attended_at": _local(record and record.practice_attended_at, zone),
        # Recorded, but not as attended: the facilitator marked the agent absent.
        "practice_missed": bool(
            record and record.practice_recorded_by_id and not record.practice_attended_at
        ),
        "in_progress": state is not None,
        "complete": bool(state and state.done),
    }


def _coaching_state(entry, zone) -> dict | None:
    week = entry.coaching_week
    if week is None or not entry.partners:
        return None
    pair = selectors.coaching_pair_of(enrollment=entry.enrollment, week=week.coaching_week)
    return {
        "item": week,
        "pair": pair,
        "starts": _local(week.starts_at, zone),
        "partners": entry.partners,
    }


@login_required
def plan(request):
    """This week's module and what completes it, overdue items by name, sessions, the
    coaching session, scores, certification progress criterion by criterion, badges,
    notifications and the calendar link."""
    _require_agent(request.user)
    now = timezone.now()
    zone = _zone(request.user)
    plans = []
    entries = selectors.my_plan(user=request.user, now=now)
    # Each score is shown criterion by criterion: one query for the rubrics' criteria.
    prefetch_related_objects([s for e in entries for s in e.scores], "rubric__criteria")
    for entry in entries:
        cohort_zone = ZoneInfo(entry.enrollment.cohort.time_zone)
        status = certification_status(enrollment=entry.enrollment, now=now)
        plans.append(
            {
                "plan": entry,
                "module": _module_state(entry, cohort_zone, zone),
                "overdue": [
                    {"item": item, "due": _due_shown(item, cohort_zone, zone)}
                    for item in sorted(entry.progress.overdue_items, key=lambda i: i.due_at)
                ],
                "coaching": _coaching_state(entry, zone),
                "upcoming": [
                    {"item": item, "starts": _local(item.starts_at, zone)}
                    for item in entry.upcoming
                ],
                "certification": status,
                "criteria_met": sum(c.met for c in status.criteria),
            }
        )
    badges = [
        {
            "badge": badge,
            "verify": openbadges.verify_url(badge),
            "baked": openbadges.baked_url(badge),
            # valid / expired / revoked, and whether its recertification window is open
            "status": badge.decision.status_at(now),
            "expiring_soon": badge.decision.expiring_soon_at(now),
            "renewed": hasattr(badge.decision, "renewed_by"),
        }
        for badge in BadgeAssertion.objects.filter(recipient=request.user).select_related(
            "badge_class", "decision__renewed_by"
        )
    ]
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    url = feed_url(request.user)
    context = {
        "nav": "plan",
        "plans": plans,
        "outcomes": selectors.my_outcomes(user=request.user),
        "zone": zone,
        "badges": badges,
        "notifications": unread[:NOTIFICATIONS_ON_PLAN],
        "unread_count": unread.count(),
        "calendar_url": url,
        "calendar_subscribe": _webcal(url),
        "helpdesk_badge": badge_links.badge_link_shown(agent=request.user),
        # A link made before secrets were derived works but cannot be shown again.
        "calendar_exists": bool(request.user.calendar_token),
    }
    return render(request, "cohorts/plan.html", context)


@login_required
@require_POST
def plan_prework_done(request, item_id):
    """Mark this week's pre-work done, then back to the module on the plan, saying whether
    the module now counts toward progress."""
    _require_agent(request.user)
    item = get_object_or_404(ScheduleItem, pk=item_id, kind=ScheduleItem.Kind.MODULE)
    enrollment = get_object_or_404(
        Enrollment, cohort=item.cohort, agent=request.user, status=Enrollment.Status.ACTIVE
    )
    section = _module_section(item)
    try:
        progress = services.prework_mark_done(enrollment=enrollment, item=item)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages), extra_tags=section)
    else:
        done = f"Pre-work for “{item.title}” is marked done."
        if progress.completed:
            messages.success(request, f"{done} The module is complete.", extra_tags=section)
        else:
            messages.success(
                request,
                f"{done} The module counts when your facilitator records your live practice.",
                extra_tags=section,
            )
    return redirect(reverse("web:plan") + f"#{section}")


@login_required
@require_POST
def plan_score_acknowledge(request, score_id):
    """The agent confirms they read a score's feedback, then back to the plan."""
    _require_agent(request.user)
    score = get_object_or_404(RubricScore, pk=score_id, subject=request.user)
    services.rubric_score_acknowledge(score=score, agent=request.user)
    messages.success(request, "Thank you: your coach can see you read the feedback.")
    return redirect("web:plan")


# --- Calendar ------------------------------------------------------------------------------


def _webcal(url: str | None) -> str | None:
    """The feed URL as calendar apps subscribe to it (webcal://), or None."""
    if not url:
        return None
    return "webcal://" + url.split("://", 1)[1]


@login_required
@require_http_methods(["GET", "POST"])
def plan_calendar(request):
    """GET: what replacing the calendar link does, and a button to do it. POST: create the
    private calendar-feed link, or replace it (the old one stops working)."""
    _require_agent(request.user)
    replacing = bool(request.user.calendar_token)
    if request.method == "GET":
        if not replacing:
            return redirect(reverse("web:plan") + "#calendar")
        return render(request, "cohorts/calendar_replace.html", {"nav": "plan"})
    calendar_token_regenerate(user=request.user)
    if replacing:
        text = "Your new calendar link is ready; the old one stopped working."
    else:
        text = "Your private calendar link is ready: subscribe to it in your calendar app."
    messages.success(request, text, extra_tags="calendar")
    return redirect(reverse("web:plan") + "#calendar")


# --- The weekly coaching session -----------------------------------------------------------


class SessionForm(forms.Form):
    session = forms.ChoiceField(
        label="Did your coaching session take place?",
        choices=[
            (CoachingPair.Session.HELD, "Yes, it took place"),
            (CoachingPair.Session.MISSED, "No, we missed it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the session took place."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        help_text="What you practised, or why the session did not take place.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


FEEDBACK_MAX = 2000


class PeerScoreForm(RubricForm):
    """Which partner, one score per criterion, and two optional lines of feedback."""

    def __init__(self, *args, partners, criteria, **kwargs):
        super().__init__(*args, criteria=criteria, **kwargs)
        scores = self.fields
        self.fields = {
            "subject": forms.TypedChoiceField(
                label="Partner you score",
                choices=[(str(e.agent.pk), _name(e.agent)) for e in partners],
                coerce=int,
                error_messages={"required": "Choose the partner you score."},
            ),
            **scores,
            "strength": forms.CharField(
                label="One thing your partner did well (optional)",
                required=False,
                max_length=FEEDBACK_MAX,
                widget=forms.Textarea({"rows": 2}),
            ),
            "next_step": forms.CharField(
                label="One thing to try next time (optional)",
                required=False,
                max_length=FEEDBACK_MAX,
                widget=forms.Textarea({"rows": 2}),
            ),
        }
        self.partners = {e.agent.pk: e.agent for e in partners}
        if len(partners) == 1:
            self.initial.setdefault("subject", str(partners[0].agent.pk))

    def clean(self):
        # Each missing score is said next to its criterion (the service would only say
        # "needs a score" once for the whole form).
        for criterion in self.criteria:
            name = f"score_{criterion.key}"
            if name not in self.errors and self.cleaned_data.get(name) is None:
                self.add_error(name, f"Give a score for {criterion.name.lower()}.")
        return self.cleaned_data


def _name(user) -> str:
    return user.display_name or user.email


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


def _agent_pair(request, pair_id) -> tuple[CoachingPair, list[Enrollment]]:
    """The agent's own pair and their partners' enrolments; any other pair is a 404."""
    _require_agent(request.user)
    pair = selectors.coaching_pair_of_agent(user=request.user, pair_id=pair_id)
    if pair is None:
        raise Http404("No such coaching session.")
    members = pair.members.select_related("enrollment__agent")
    return pair, [m.enrollment for m in members if m.enrollment.agent_id != request.user.pk]


def _given(pair, user) -> list[RubricScore]:
    return list(
        RubricScore.objects.filter(coaching_pair=pair, scorer=user)
        .select_related("subject")
        .order_by("scored_at")
    )


def _score_form(pair, partners, given, data=None) -> PeerScoreForm | None:
    """The form to score the partners not scored yet in this pair (None once all are)."""
    scored = {score.subject_id for score in given}
    to_score = [e for e in partners if e.agent_id not in scored]
    if not to_score:
        return None
    criteria = list(pair.cohort.program.rubric.criteria.order_by("order"))
    return PeerScoreForm(data, partners=to_score, criteria=criteria)


def _coaching_page(request, pair, partners, *, session_form=None, score_form=None):
    given = _given(pair, request.user)
    if score_form is None:
        score_form = _score_form(pair, partners, given)
    if session_form is None:
        planned = pair.session == CoachingPair.Session.PLANNED
        session_form = SessionForm(
            initial={"session": None if planned else pair.session, "notes": pair.session_notes}
        )
    zone = _zone(request.user)
    context = {
        "nav": "plan",
        "pair": pair,
        "item": pair.item,
        "partners": partners,
        "starts": _local(pair.item.starts_at, zone),
        "week_ends": _due_shown(pair.item, ZoneInfo(pair.cohort.time_zone), zone),
        "zone": zone,
        "recorded_at": _local(pair.session_recorded_at, zone),
        "session_form": session_form,
        "score_form": score_form,
        "given": [{"score": s, "at": _local(s.scored_at, zone)} for s in given],
    }
    return render(request, "cohorts/coaching_session.html", context)


@login_required
def plan_coaching(request, pair_id):
    """The week's coaching session: when and where, with whom; record it, score a partner."""
    pair, partners = _agent_pair(request, pair_id)
    return _coaching_page(request, pair, partners)


@login_required
@require_POST
def plan_coaching_session(request, pair_id):
    """A member records whether the session took place, with optional notes."""
    pair, partners = _agent_pair(request, pair_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.coaching_session_record(pair=pair, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if form.cleaned_data["session"] == CoachingPair.Session.HELD:
                text = "Recorded: the session took place."
            else:
                text = "Recorded: the session was missed."
            messages.success(request, text, extra_tags="session")
            return redirect(reverse("web:plan-coaching", args=[pair.pk]) + "#session")
    return _coaching_page(request, pair, partners, session_form=form)


@login_required
@require_POST
def plan_coaching_score(request, pair_id):
    """A member scores a partner not scored yet with the program's rubric (peer practice:
    it never counts toward certification)."""
    pair, partners = _agent_pair(request, pair_id)
    form = _score_form(pair, partners, _given(pair, request.user), request.POST)
    if form is None:
        messages.error(request, "You have scored every partner in this pair.", extra_tags="score")
        return redirect(reverse("web:plan-coaching", args=[pair.pk]) + "#score")
    if form.is_valid():
        subject = form.partners[form.cleaned_data["subject"]]
        try:
            services.peer_score_create(
                pair=pair,
                scorer=request.user,
                subject=subject,
                values=form.values(),
                strength=form.cleaned_data["strength"].strip(),
                next_step=form.cleaned_data["next_step"].strip(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            text = f"Your score for {_name(subject)} is saved."
            messages.success(request, text, extra_tags="score")
            return redirect(reverse("web:plan-coaching", args=[pair.pk]) + "#score")
    return _coaching_page(request, pair, partners, score_form=form)
