"""A person's last day may not come before their first: such a pair made retention and the
insights page fail on a negative duration.

Rows that already have one are repaired first, by clearing `hired_on`. Which of the two
dates is wrong cannot be known here; the departure is the event retention counts, so it
is kept, and a person without a hire date is only left out of the windows' attrition
(which needs one) until someone enters the right date.
"""

from django.db import migrations, models


def clear_hire_dates_after_departure(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(
        hired_on__isnull=False, left_on__isnull=False, left_on__lt=models.F("hired_on")
    ).update(hired_on=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_reminder_kind_program_outcome"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(clear_hire_dates_after_departure, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(hired_on__isnull=True)
                | models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("hired_on")),
                name="accounts_user_left_on_after_hired_on",
            ),
        ),
    ]
