"""Training managers' actions on a cohort's page: start it, redraw pairs, re-lay the
schedule, move a session, record attendance and live practice, withdraw and reactivate,
enrol from CSV, act on invitations, revoke a certification.

Each is a POST (the far-reaching ones after a GET confirmation page), scoped by
`manager_views.facilitated_cohort`; it reports in the section where it was taken (the
message is tagged with the section's id) and lands on its anchor.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import invitations
from accounts.invitations import open_invitations
from certification import selectors as certification_selectors
from certification.services import certification_revoke
from cohorts import services
from cohorts.completion import cohort_missing_items
from cohorts.enrollment_import import enrollment_import
from cohorts.forms import (
    AttendanceForm,
    CloseForm,
    EnrollmentImportForm,
    ExtendForm,
    MoveForm,
    PracticeForm,
    ReactivateForm,
    RevokeForm,
    WithdrawForm,
)
from cohorts.manager_views import (
    MOVABLE_KINDS,
    add_errors,
    facilitated_cohort,
    posted_data,
    render_detail,
    render_page,
    section_url,
)
from cohorts.models import (
    Cohort,
    Enrollment,
    ScheduleItem,
)
from cohorts.services.lifecycle import cohort_resync_preview

# --- Actions -------------------------------------------------------------------------------


def _error(request, error: ValidationError, section: str = "") -> None:
    messages.error(request, " ".join(error.messages), extra_tags=section)


@login_required
@require_POST
def cohort_start(request, pk):
    """Start a planned cohort: its schedule is laid out and the coaching pairs drawn."""
    cohort = facilitated_cohort(request, pk)
    try:
        services.cohort_start(cohort=cohort)
    except ValidationError as error:
        _error(request, error, "cohort")
    else:
        messages.success(
            request,
            f"“{cohort}” has started: its schedule and pairs are ready.",
            extra_tags="cohort",
        )
    return redirect(section_url(cohort))


@login_required
@require_http_methods(["GET", "POST"])
def cohort_regenerate_pairs(request, pk):
    """GET: which weeks' pairs would be drawn again and which stay. POST: draw them."""
    cohort = facilitated_cohort(request, pk)
    if request.method == "GET":
        now = timezone.now()
        weeks = list(
            cohort.schedule_items.filter(kind=ScheduleItem.Kind.COACHING, cancelled=False)
            .annotate(pair_count=Count("coaching_pairs"))
            .order_by("coaching_week")
        )
        return render_page(
            request,
            "cohorts/manager/pairs_regenerate.html",
            cohort,
            now=now,
            is_running=cohort.is_started,
            redrawn=[w for w in weeks if w.starts_at > now],
            kept=[w for w in weeks if w.starts_at <= now],
            active_count=cohort.enrollments.filter(status=Enrollment.Status.ACTIVE).count(),
        )
    try:
        weeks = services.coaching_pairs_generate(cohort=cohort)
    except ValidationError as error:
        _error(request, error, "pairs")
    else:
        messages.success(
            request, f"Coaching pairs drawn again for {weeks} future week(s).", extra_tags="pairs"
        )
    return redirect(section_url(cohort, "pairs"))


@login_required
@require_http_methods(["GET", "POST"])
def cohort_resync(request, pk):
    """GET: what re-laying the schedule from the program would change. POST: do it."""
    cohort = facilitated_cohort(request, pk)
    if request.method == "GET":
        return render_page(
            request,
            "cohorts/manager/schedule_resync.html",
            cohort,
            is_running=cohort.is_started,
            preview=cohort_resync_preview(cohort=cohort),
            moved=cohort.schedule_items.filter(moved=True, cancelled=False).count(),
        )
    if not cohort.is_started:
        messages.error(
            request, "Only a running cohort's schedule is re-laid.", extra_tags="timeline"
        )
        return redirect(section_url(cohort, "timeline"))
    result = services.cohort_resync(cohort=cohort)
    messages.success(
        request,
        "Schedule re-laid from the program: {created} new, {updated} updated, {cancelled} "
        "cancelled; the pairs of future coaching weeks are drawn again.".format(**result),
        extra_tags="timeline",
    )
    return redirect(section_url(cohort, "timeline"))


@login_required
@require_http_methods(["GET", "POST"])
def item_move(request, pk, item_id):
    """Move one session to a new local start; it keeps its length."""
    cohort = facilitated_cohort(request, pk)
    item = get_object_or_404(cohort.schedule_items.select_related("cohort"), pk=item_id)
    form = MoveForm(posted_data(request), item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_item_move(item=item, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            item.refresh_from_db()
            local = timezone.localtime(item.starts_at, form.zone)
            messages.success(
                request,
                f"“{item.title}” moved to {local:%a %-d %b %Y, %H:%M} ({cohort.time_zone}).",
                extra_tags="timeline",
            )
            return redirect(section_url(cohort, "timeline"))
    return render_page(
        request,
        "cohorts/manager/item_move.html",
        cohort,
        item=item,
        form=form,
        movable=item.kind in MOVABLE_KINDS and not item.cancelled,
        minutes=round((item.ends_at - item.starts_at).total_seconds() / 60),
    )


def _record_room(request, pk, form_class, service, section: str, message: str):
    """Record who was in the room for one started item: attendance or live practice."""
    cohort = facilitated_cohort(request, pk)
    now = timezone.now()
    form = form_class(request.POST, cohort=cohort, now=now)
    if not form.is_valid():
        messages.error(request, form.error_text(), extra_tags=section)
        return redirect(section_url(cohort, section))
    item, attended = form.item(), form.attendance_map()
    try:
        service(item=item, attended=attended, by=request.user, now=now)
    except ValidationError as error:
        _error(request, error, section)
    else:
        text = message.format(title=item.title, count=sum(attended.values()), of=len(attended))
        messages.success(request, text, extra_tags=section)
    # Back to the same page of agents, found by the same search.
    kept = {name: request.POST[name] for name in ("q", "agents") if request.POST.get(name)}
    return redirect(section_url(cohort, section, **{form.item_field: item.pk}, **kept))


@login_required
@require_POST
def cohort_attendance(request, pk):
    """Record who attended one workshop that has started; unticked active agents are absent."""
    return _record_room(
        request, pk, AttendanceForm, services.attendance_record, "attendance",
        "Attendance for “{title}” saved: {count} of {of} attended.",
    )  # fmt: skip


@login_required
@require_POST
def cohort_practice(request, pk):
    """Record who took part in a module's live practice; unticked active agents did not."""
    return _record_room(
        request, pk, PracticeForm, services.practice_record, "practice",
        "Live practice for “{title}” saved: {count} of {of} practised.",
    )  # fmt: skip


def _cohort_enrollment(request, pk: int, enrollment_id: int) -> tuple[Cohort, Enrollment]:
    cohort = facilitated_cohort(request, pk)
    enrollment = get_object_or_404(
        cohort.enrollments.select_related("agent", "agent__team"), pk=enrollment_id
    )
    return cohort, enrollment


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_withdraw(request, pk, enrollment_id):
    """GET: what withdrawing does, and a reason to give. POST: withdraw the agent."""
    cohort, enrollment = _cohort_enrollment(request, pk, enrollment_id)
    form = WithdrawForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_withdraw(
                enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{enrollment.agent} is withdrawn; future coaching weeks are paired again.",
                extra_tags="enrolled",
            )
            return redirect(section_url(cohort, "enrolled"))
    return render_page(
        request,
        "cohorts/manager/enrollment_withdraw.html",
        cohort,
        enrollment=enrollment,
        form=form,
    )


@login_required
@require_POST
def enrollment_reactivate(request, pk, enrollment_id):
    """Bring a withdrawn agent back (with an optional reason)."""
    cohort, enrollment = _cohort_enrollment(request, pk, enrollment_id)
    form = ReactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]), extra_tags="enrolled")
        return redirect(section_url(cohort, "enrolled"))
    try:
        services.enrollment_reactivate(
            enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _error(request, error, "enrolled")
    else:
        messages.success(
            request,
            f"{enrollment.agent} is active again and joins the future coaching weeks.",
            extra_tags="enrolled",
        )
    return redirect(section_url(cohort, "enrolled"))


@login_required
@require_POST
def cohort_import(request, pk):
    """Preview or run a CSV enrolment, and show its planned rows or its errors."""
    cohort = facilitated_cohort(request, pk)
    form = EnrollmentImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = enrollment_import(
                cohort=cohort,
                data=upload.read(),
                dry_run=form.cleaned_data["action"] == "preview",
                by=request.user,
            )
        except ValidationError as error:
            _error(request, error, "enrol")
        else:
            if report.applied:
                messages.success(
                    request,
                    f"{len(report.rows)} agent(s) enrolled from the file.",
                    extra_tags="enrol",
                )
                form = EnrollmentImportForm()
    return render_detail(request, cohort, import_form=form, import_report=report)


INVITATION_ACTIONS = {
    # action: (service, message)
    "resend": (invitations.invitation_resend, "A new invitation is on its way to {email}."),
    "revoke": (invitations.invitation_revoke, "The invitation of {email} is withdrawn."),
}


@login_required
@require_POST
def invitation_act(request, pk, invitation_id, action):
    """Resend (older links stop working) or revoke an open invitation of someone enrolled in
    a cohort the manager facilitates."""
    cohort = facilitated_cohort(request, pk)
    people = cohort.enrollments.values("agent")
    invitation = get_object_or_404(open_invitations(users=people), pk=invitation_id)
    service, message = INVITATION_ACTIONS[action]
    service(invitation=invitation, by=request.user)
    messages.success(request, message.format(email=invitation.user.email), extra_tags="invitations")
    return redirect(section_url(cohort, "invitations"))


@login_required
@require_POST
def decision_revoke(request, pk, decision_id):
    """Revoke one certification of the cohort, with a reason."""
    cohort = facilitated_cohort(request, pk)
    decision = get_object_or_404(
        certification_selectors.decision_visible_to(user=request.user).filter(
            enrollment__cohort=cohort
        ),
        pk=decision_id,
    )
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return render_detail(
            request, cohort, revoke_decision=decision.pk, revoke_errors=form.errors["reason"]
        )
    try:
        certification_revoke(decision=decision, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return render_detail(
            request, cohort, revoke_decision=decision.pk, revoke_errors=error.messages
        )
    messages.success(
        request, f"The certification of {decision.agent} is revoked.", extra_tags="certification"
    )
    return redirect(section_url(cohort, "certification"))


@login_required
@require_http_methods(["GET", "POST"])
def cohort_close(request, pk):
    """GET: what closing the cohort now does, with each agent's outcome. POST: close it."""
    cohort = facilitated_cohort(request, pk)
    form = CloseForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_close(
                cohort=cohort, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                "The cohort is closed: each agent's outcome is in the list below.",
                extra_tags="enrolled",
            )
            return redirect(section_url(cohort, "enrolled"))
    active = list(
        cohort.enrollments.filter(status=Enrollment.Status.ACTIVE).select_related("agent")
    )
    missing = cohort_missing_items(cohort=cohort, enrollments=active) if cohort.is_started else {}
    return render_page(
        request,
        "cohorts/manager/cohort_close.html",
        cohort,
        form=form,
        outcomes=[(enrollment, missing.get(enrollment.pk, [])) for enrollment in active],
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_extend(request, pk):
    """GET: the current last day and a form for the new one. POST: extend the cohort."""
    cohort = facilitated_cohort(request, pk)
    form = ExtendForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_extend(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"The cohort now ends after {form.cleaned_data['last_day']:%A %d %B %Y}.",
                extra_tags="cohort-status",
            )
            return redirect(section_url(cohort, "cohort-status"))
    return render_page(request, "cohorts/manager/cohort_extend.html", cohort, form=form)
