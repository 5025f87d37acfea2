"""The default order of the lists of actions (engagements.models.actions.OPEN_FIRST: open actions first, soonest
due first, then by number), national and for a prefecture: an expression index, read in order instead of sorting
the whole scope (issue 14, tests/test_query_plans.py). Built CONCURRENTLY on PostgreSQL (qualipref.lib.migrations):
the table keeps taking writes meanwhile."""

from django.db import migrations, models
from django.db.models import Case, F, IntegerField, Q, Value, When

from qualipref.lib.migrations import ConcurrentAddIndex

# As the model declares it (the expressions must be those of the lists' ORDER BY for an index to serve it; an
# ascending index puts NULL last on PostgreSQL, as the lists' ``due_on ASC NULLS LAST``).
OPEN_FIRST = (
    Case(When(Q(status__in=["todo", "in_progress"]), then=Value(0)), default=Value(1), output_field=IntegerField()),
    F("due_on"),
    F("id"),
)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("engagements", "0004_labelling_step_kind"),
    ]

    operations = [
        ConcurrentAddIndex("action", models.Index(*OPEN_FIRST, name="action_open_first_idx")),
        ConcurrentAddIndex("action", models.Index(F("prefecture"), *OPEN_FIRST, name="action_pref_open_first_idx")),
    ]
