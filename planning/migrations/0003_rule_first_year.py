"""A rule of the programme applies from a year on (empty: every year, as the rules written so far)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_refresh_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalprogrammerule",
            name="first_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="depuis l'année"),
        ),
        migrations.AddField(
            model_name="programmerule",
            name="first_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="depuis l'année"),
        ),
        migrations.AddConstraint(
            model_name="programmerule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("first_year__isnull", True),
                    models.Q(("first_year__gte", 2000), ("first_year__lte", 2100)),
                    _connector="OR",
                ),
                name="programme_rule_first_year",
            ),
        ),
    ]
