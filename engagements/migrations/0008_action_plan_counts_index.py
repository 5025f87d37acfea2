"""The actions of each plan by status and due date: the lists of plans count each plan's actions, open ones and
overdue ones from it alone, for the plans of the page only (ActionPlanQuerySet.with_action_counts, issue 14).
Built CONCURRENTLY on PostgreSQL (qualipref.lib.migrations): the table keeps taking writes meanwhile."""

from django.db import migrations, models

from qualipref.lib.migrations import ConcurrentAddIndex


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("engagements", "0007_action_open_due_index"),
    ]

    operations = [
        ConcurrentAddIndex("action", models.Index(fields=["plan", "status", "due_on"], name="action_plan_counts_idx")),
    ]
