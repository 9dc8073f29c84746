from django.db import migrations

WEEKLY_NAME = "Assign the week's QA reviews"
WEEKLY_TASK = "reviews.tasks.review_assignments_weekly_task"
OVERDUE_NAME = "Remind coaches of overdue QA reviews"
OVERDUE_TASK = "reviews.tasks.review_overdue_reminders_task"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Mondays at 02:00 UTC; the run picks each cohort's week on the cohort's own calendar
    # (reviews.assignment.assignments_create_this_week).
    monday, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="UTC",
    )  # fmt: skip
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name=WEEKLY_NAME, defaults={"task": WEEKLY_TASK, "crontab": monday, "enabled": True}
    )
    PeriodicTask.objects.update_or_create(
        name=OVERDUE_NAME, defaults={"task": OVERDUE_TASK, "interval": hourly, "enabled": True}
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[WEEKLY_NAME, OVERDUE_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
