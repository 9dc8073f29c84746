"""Fill the weekly rollup of rubric scores from the scores already stored."""

from django.db import migrations


def backfill(apps, schema_editor):
    # The rollup is derived data: the service that keeps it computes it (a plain INSERT ...
    # SELECT over the scores; nothing when there are none).
    from cohorts.services.scores import rubric_score_weeks_rebuild

    rubric_score_weeks_rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0014_rubric_score_week_rollup")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
