"""The page that follows an import in the background (it reloads itself until done)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cohorts.api.serializers import ENROLMENT_FILE_SIZE
from cohorts.scope import managed_cohorts
from imports import services
from imports.models import ImportJob
from imports.selectors import import_job_visible_to

REFRESH_SECONDS = 3


@login_required
def import_job_page(request, pk):
    job = get_object_or_404(import_job_visible_to(user=request.user), pk=pk)
    context = {"nav": "cohorts", "job": job, "refresh": None if job.finished else REFRESH_SECONDS}
    return render(request, "imports/job.html", context)


class BackgroundEnrolmentForm(forms.Form):
    file = forms.FileField(
        label="Large file, imported in the background",
        validators=[ENROLMENT_FILE_SIZE],
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
    )
    dry_run = forms.BooleanField(required=False, label="Preview only (write nothing)")


@login_required
@require_POST
def enrolment_job_start(request, cohort_pk):
    """Hand a cohort's enrolment file to a worker and follow it on its own page."""
    cohort = get_object_or_404(managed_cohorts(user=request.user), pk=cohort_pk)
    form = BackgroundEnrolmentForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
        messages.error(request, errors)
        return redirect(reverse("web:cohort", args=[cohort.pk]) + "#enrol")
    job = services.import_job_create(
        kind=ImportJob.Kind.ENROLMENT,
        by=request.user,
        upload=form.cleaned_data["file"],
        cohort=cohort,
        dry_run=form.cleaned_data["dry_run"],
    )
    return redirect("web:import-job", pk=job.pk)
