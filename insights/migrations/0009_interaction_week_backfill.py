"""Fill the weekly rollup from the interactions already stored."""

from django.db import migrations


def backfill(apps, schema_editor):
    # The rollup is derived data: the service that keeps it computes it (a plain INSERT ...
    # SELECT over the interactions; nothing when there are none).
    from insights.interaction_weeks import interaction_weeks_rebuild

    interaction_weeks_rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("insights", "0008_interaction_week_rollup")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
