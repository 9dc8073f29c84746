"""Training managers' pages for recurring quarterly refreshers: the schedules they
facilitate, setting one up and changing it. Any other schedule answers 404, any other role
403; the services check the rules and their errors are shown next to the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cohorts import services
from cohorts.forms import RefresherScheduleForm, time_zone_names
from cohorts.manager_views import _require_manager, add_errors, posted_data
from cohorts.scope import managed_refresher_schedules

SECTION = "refreshers"


def _schedules(user):
    return (
        managed_refresher_schedules(user=user)
        .select_related("source_program", "refresher_program")
        .prefetch_related("facilitators", "runs__cohort")
    )


def _done(request, text: str):
    messages.success(request, text, extra_tags=SECTION)
    return redirect(reverse("web:refreshers") + f"#{SECTION}")


def _form_page(request, form, schedule=None):
    return render(
        request,
        "cohorts/manager/refresher_form.html",
        {"nav": "cohorts", "form": form, "schedule": schedule, "time_zones": time_zone_names()},
    )


@login_required
def refresher_list(request):
    """The recurring refreshers the manager facilitates, with the cohorts they opened."""
    _require_manager(request.user)
    return render(
        request,
        "cohorts/manager/refresher_list.html",
        {"nav": "cohorts", "schedules": _schedules(request.user), "section": SECTION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def refresher_new(request):
    """Set up a recurring refresher; the manager setting it up facilitates it."""
    _require_manager(request.user)
    initial = {"time_zone": request.user.time_zone, "facilitators": [request.user.pk]}
    form = RefresherScheduleForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.refresher_schedule_create(
                created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, f"“{schedule}” is set up: a cohort opens every quarter.")
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def refresher_edit(request, pk):
    """Change a schedule the manager facilitates; cohorts already opened keep theirs."""
    _require_manager(request.user)
    schedule = get_object_or_404(_schedules(request.user), pk=pk)
    initial = {
        "source_program": schedule.source_program,
        "refresher_program": schedule.refresher_program,
        "time_zone": schedule.time_zone,
        "session_time": schedule.session_time,
        "location": schedule.location,
        "video_link": schedule.video_link,
        "facilitators": list(schedule.facilitators.all()),
        "is_active": schedule.is_active,
    }
    form = RefresherScheduleForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.refresher_schedule_update(schedule=schedule, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, f"“{schedule}” is saved; the next quarter's cohort follows it.")
    return _form_page(request, form, schedule)
