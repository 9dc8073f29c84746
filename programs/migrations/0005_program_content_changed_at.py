"""When a program's phases, workshops or modules last changed (kept by programs/signals.py).
Existing programs get the migration's moment; cohorts 0011 then marks started cohorts as
laid out after it, so nothing looks stale right after migrating."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_program_completion_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="content_changed_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
    ]
