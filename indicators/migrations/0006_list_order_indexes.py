"""The order of the API's measurements (newest first, by id) for a prefecture: read from an index instead of
scanning the whole table backwards (issue 14, tests/test_query_plans.py; national lists use the primary key).
Built CONCURRENTLY on PostgreSQL (qualipref.lib.migrations): the table keeps taking writes meanwhile."""

from django.db import migrations, models

from qualipref.lib.migrations import ConcurrentAddIndex


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("indicators", "0005_drop_complaints_alerts_schedule"),
    ]

    operations = [
        ConcurrentAddIndex(
            "measurement", models.Index(fields=["prefecture", "-id"], name="measurement_pref_newest_idx")
        ),
    ]
