"""The open actions by prefecture, site and due date (a partial index): the dashboards count what is overdue per
prefecture or per site from it alone, instead of reading every action (issue 14: 18 ms at 50,000 actions). Built
CONCURRENTLY on PostgreSQL (qualipref.lib.migrations): the table keeps taking writes meanwhile."""

from django.db import migrations, models
from django.db.models import Q

from qualipref.lib.migrations import ConcurrentAddIndex


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("engagements", "0006_labelling_step_source_opinion"),
    ]

    operations = [
        ConcurrentAddIndex(
            "action",
            models.Index(
                fields=["prefecture", "site", "due_on"],
                condition=Q(status__in=["todo", "in_progress"]),
                name="action_open_due_idx",
            ),
        ),
    ]
