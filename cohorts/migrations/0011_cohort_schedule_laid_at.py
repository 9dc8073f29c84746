"""When a cohort's schedule was last laid out from its program. Started cohorts are taken
to be up to date as they stand (each program edit so far queued their resync): their
timestamp is the migration's moment, later than every program's content_changed_at (set
to its own migration's moment just before), so nothing is stale right after migrating."""

from django.db import migrations, models
from django.utils import timezone


def mark_laid(apps, schema_editor):
    Cohort = apps.get_model("cohorts", "Cohort")
    Cohort.objects.filter(status__in=["scheduled", "running"]).update(
        schedule_laid_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0010_beat_quarterly_refreshers"),
        ("programs", "0005_program_content_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="schedule_laid_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_laid, migrations.RunPython.noop),
    ]
