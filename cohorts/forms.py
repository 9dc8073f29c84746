"""Forms of the training managers' cohort pages. They check what a form can (the fields,
the choices in the cohort); the rules of the domain stay in the services, whose
ValidationErrors the views put back on these forms."""

import datetime
import zoneinfo
from functools import cache
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from cohorts.api.serializers import ENROLMENT_FILE_SIZE
from cohorts.models import Cohort, Enrollment, EnrollmentEvent, ScheduleItem
from cohorts.selectors import facilitator_choices
from programs.models import Program

REASON_LENGTH = EnrollmentEvent._meta.get_field("reason").max_length


@cache
def time_zone_names() -> list[str]:
    """Every IANA zone this machine knows, sorted: the choices of a time-zone field."""
    return sorted(zoneinfo.available_timezones())


# --- Opening a cohort ----------------------------------------------------------------------


class CohortForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        empty_label="Choose a program",
        help_text="Only published programs can run.",
        error_messages={"invalid_choice": "Choose a published program."},
    )
    name = forms.CharField(max_length=200)
    start_date = forms.DateField(
        label="Start date (day 1)", widget=forms.DateInput(attrs={"type": "date"})
    )
    time_zone = forms.CharField(
        max_length=64,
        help_text="Type to search, e.g. Europe/London. Every time of the cohort is in it.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    session_time = forms.TimeField(
        initial=datetime.time(10, 0),
        help_text="Local start time of workshops and coaching sessions.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    location = forms.CharField(max_length=200, required=False, help_text="A room, if any.")
    video_link = forms.URLField(
        required=False, assume_scheme="https", help_text="A meeting link, if any."
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Facilitators",
        help_text="Training managers and coaches. You facilitate it whether you tick yourself "
        "or not.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(
            status=Program.Status.PUBLISHED
        ).order_by("name", "pk")
        self.fields["facilitators"].queryset = facilitator_choices()

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                f"“{name}” is not a time zone. Choose one from the list, e.g. Europe/London."
            )
        return name


# --- Recording a room: workshop attendance, live practice ----------------------------------


class RoomForm(forms.Form):
    """One started item of a kind, the agents who were there, or everyone at once."""

    kind: str
    item_field: str

    attended = forms.ModelMultipleChoiceField(queryset=Enrollment.objects.none(), required=False)
    # The agents the form showed (one page of a large cohort): only they are recorded, so
    # that saving one page leaves the others' records alone. Absent: every active agent.
    shown = forms.ModelMultipleChoiceField(queryset=Enrollment.objects.none(), required=False)
    everyone = forms.BooleanField(required=False)

    def __init__(self, *args, cohort: Cohort, now: datetime.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.active = cohort.enrollments.filter(status=Enrollment.Status.ACTIVE)
        self.fields[self.item_field].queryset = started_items(cohort, self.kind, now)
        self.fields["attended"].queryset = self.active
        self.fields["shown"].queryset = self.active

    def item(self) -> ScheduleItem:
        return self.cleaned_data[self.item_field]

    def attendance_map(self) -> dict[int, bool]:
        """The agents shown (every active agent if the form did not say, or if everyone
        was there): present if ticked (or everyone was), absent otherwise."""
        present = {enrollment.pk for enrollment in self.cleaned_data["attended"]}
        everyone = self.cleaned_data["everyone"]
        shown = self.cleaned_data["shown"]
        if shown and not everyone:
            return {enrollment.pk: enrollment.pk in present for enrollment in shown}
        return {pk: everyone or pk in present for pk in self.active.values_list("pk", flat=True)}

    def error_text(self) -> str:
        return " ".join(error for errors in self.errors.values() for error in errors)


def started_items(cohort: Cohort, kind: str, now: datetime.datetime):
    """The cohort's items of `kind` that have started and were not cancelled."""
    return cohort.schedule_items.filter(kind=kind, cancelled=False, starts_at__lte=now).order_by(
        "starts_at", "id"
    )


class AttendanceForm(RoomForm):
    kind, item_field = ScheduleItem.Kind.WORKSHOP, "workshop"
    workshop = forms.ModelChoiceField(
        queryset=ScheduleItem.objects.none(),
        error_messages={
            "required": "Choose a workshop.",
            "invalid_choice": "Choose a workshop of this cohort that has started.",
        },
    )


class PracticeForm(RoomForm):
    kind, item_field = ScheduleItem.Kind.MODULE, "module"
    module = forms.ModelChoiceField(
        queryset=ScheduleItem.objects.none(),
        error_messages={
            "required": "Choose a module.",
            "invalid_choice": "Choose a module of this cohort whose week has started.",
        },
    )


# --- Enrolment -----------------------------------------------------------------------------


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_LENGTH,
        label="Reason for withdrawing",
        help_text="Kept in the enrolment's history.",
        error_messages={"required": "Say why the agent is withdrawn."},
    )


class ReactivateForm(forms.Form):
    reason = forms.CharField(max_length=REASON_LENGTH, required=False)


class EnrollmentImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
        validators=[ENROLMENT_FILE_SIZE],
    )
    action = forms.ChoiceField(choices=[("preview", "Preview (dry run)"), ("import", "Enrol")])


class RevokeForm(forms.Form):
    # Whether a reason was given is the service's rule; the length is the column's.
    reason = forms.CharField(max_length=500, required=False)


# --- Moving a session ----------------------------------------------------------------------

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class MoveForm(forms.Form):
    """A new local start in the cohort's time zone (the browser's datetime-local picker)."""

    starts_at = forms.DateTimeField(
        label="New start",
        input_formats=[LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    location = forms.CharField(max_length=200, required=False)
    video_link = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args, item: ScheduleItem, **kwargs):
        self.zone = ZoneInfo(item.cohort.time_zone)
        local = item.starts_at.astimezone(self.zone).replace(tzinfo=None)
        kwargs.setdefault(
            "initial",
            {"starts_at": local, "location": item.location, "video_link": item.video_link},
        )
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = f"In {item.cohort.time_zone}."

    def full_clean(self):
        # The picker gives a wall-clock time: read it in the cohort's zone, not the server's.
        with timezone.override(self.zone):
            super().full_clean()


class CloseForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_LENGTH,
        required=False,
        label="Reason for closing early (optional)",
        help_text="Kept on the cohort and in each agent's history.",
    )


class ExtendForm(forms.Form):
    last_day = forms.DateField(
        label="New last day",
        help_text="In the cohort's time zone; the cohort ends at midnight after it.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the new last day.", "invalid": "Give a date."},
    )
    reason = forms.CharField(
        max_length=REASON_LENGTH,
        label="Reason for extending",
        help_text="Kept on the cohort and in the audit trail.",
        error_messages={"required": "Say why the cohort is extended."},
    )


# --- A recurring quarterly refresher -------------------------------------------------------


class RefresherScheduleForm(forms.Form):
    source_program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label="Refresh agents certified in",
        empty_label="Choose a program",
        error_messages={"invalid_choice": "Choose a published program."},
    )
    refresher_program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label="Refresher program",
        empty_label="Choose a program",
        help_text="The short program each quarter's cohort runs, e.g. Empathy Refresher.",
        error_messages={"invalid_choice": "Choose a published program."},
    )
    time_zone = CohortForm.base_fields["time_zone"]
    session_time = CohortForm.base_fields["session_time"]
    location = CohortForm.base_fields["location"]
    video_link = CohortForm.base_fields["video_link"]
    facilitators = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Training managers and coaches. Whoever set it up facilitates it whether "
        "ticked or not.",
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label="Active: open a cohort every quarter", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = Program.objects.filter(status=Program.Status.PUBLISHED).order_by("name", "pk")
        self.fields["source_program"].queryset = published
        self.fields["refresher_program"].queryset = published
        self.fields["facilitators"].queryset = facilitator_choices()

    clean_time_zone = CohortForm.clean_time_zone
