"""The trainings newest first (the API's order, ``-trained_on`` then ``id``): its page read from this index instead
of sorting every training of the scope (issue 14: 4,000 trainings at national scale). Built CONCURRENTLY on
PostgreSQL (qualipref.lib.migrations): the table keeps taking writes meanwhile."""

from django.db import migrations, models

from qualipref.lib.migrations import ConcurrentAddIndex


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("engagements", "0011_action_source_crisis_exercise"),
    ]

    operations = [
        ConcurrentAddIndex("training", models.Index(fields=["-trained_on", "id"], name="training_newest_idx")),
    ]
