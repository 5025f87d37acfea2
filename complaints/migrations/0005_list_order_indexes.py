"""The orders of the two registers' lists, national and for a prefecture (complaints.models.register
.register_indexes): the API's (the latest received first) and the pages' (open items first, soonest due first,
then the latest received: expression indexes). Each page is read from an index in order instead of sorting the
whole scope (issue 14, tests/test_query_plans.py). The prefecture's index of the API's order replaces the
statistics' index (prefecture, received_on), whose columns it begins with.

Built and dropped CONCURRENTLY on PostgreSQL (qualipref.lib.migrations): the tables keep taking writes meanwhile.
"""

from django.db import migrations, models
from django.db.models import Case, F, IntegerField, Q, Value, When

from qualipref.lib.migrations import ConcurrentAddIndex, ConcurrentRemoveIndex

NEWEST_FIRST = ["-received_on", "-id"]


def open_first(open_items):
    """As the models declare it (the expressions must be those of the pages' ORDER BY for an index to serve it)."""
    return (
        Case(When(open_items, then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(When(open_items, then=F("due_on"))),
        F("received_on").desc(),
        F("id").desc(),
    )


def list_indexes(model_name, prefix, open_items):
    return [
        ConcurrentRemoveIndex(model_name, f"{prefix}_stats_idx"),
        ConcurrentAddIndex(model_name, models.Index(fields=NEWEST_FIRST, name=f"{prefix}_newest_idx")),
        ConcurrentAddIndex(
            model_name, models.Index(fields=["prefecture", *NEWEST_FIRST], name=f"{prefix}_pref_newest_idx")
        ),
        ConcurrentAddIndex(model_name, models.Index(*open_first(open_items), name=f"{prefix}_page_idx")),
        ConcurrentAddIndex(
            model_name, models.Index(F("prefecture"), *open_first(open_items), name=f"{prefix}_pref_page_idx")
        ),
    ]


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("complaints", "0004_open_items_indexes"),
    ]

    operations = [
        *list_indexes("complaint", "complaint", Q(status__in=["received", "in_progress"])),
        *list_indexes("correspondence", "correspondence", Q(answered_on__isnull=True)),
    ]
