"""Beat's schedule for the reminder sweep and one switch row per reminder kind.

Created here rather than by hand so that every installation sweeps the same way. The
interval follows ATTUNE_REMINDER_SWEEP_MINUTES at migration time; change it later in the
admin (Periodic tasks) or with `manage.py setup_reminders`.
"""

from django.conf import settings
from django.db import migrations

SWEEP_TASK = "accounts.tasks.reminders_sweep_task"
SWEEP_NAME = "Reminder sweep"
KINDS = [
    "prework_due",
    "session_day_before",
    "session_hour_before",
    "peer_score_missing",
    "role_play_eligible",
    "badge_expiring",
    "weekly_digest",
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    ReminderSwitch = apps.get_model("accounts", "ReminderSwitch")
    every, _ = IntervalSchedule.objects.get_or_create(
        every=settings.ATTUNE_REMINDER_SWEEP_MINUTES, period="minutes"
    )
    PeriodicTask.objects.update_or_create(
        name=SWEEP_NAME, defaults={"task": SWEEP_TASK, "interval": every, "enabled": True}
    )
    for kind in KINDS:
        ReminderSwitch.objects.get_or_create(kind=kind)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reminders_notifications_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
