"""Partial indexes on the open complaints and letters: the dashboards count the overdue ones of every prefecture
and site, a few rows among millions (answered items are most of the tables)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_beat_schedules"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("status__in", ["received", "in_progress"])),
                fields=["prefecture", "site", "due_on"],
                name="complaint_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="correspondence",
            index=models.Index(
                condition=models.Q(("answered_on__isnull", True)),
                fields=["prefecture", "site", "due_on"],
                name="correspondence_open_idx",
            ),
        ),
    ]
