"""The order of the lists of audits (newest first), national and for a prefecture, and of the API's findings (by
audit, then number): read from an index instead of sorting the whole scope (issue 14, tests/test_query_plans.py).
Built CONCURRENTLY on PostgreSQL (qualipref.lib.migrations): the tables keep taking writes meanwhile."""

from django.db import migrations, models

from qualipref.lib.migrations import ConcurrentAddIndex


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("audits", "0001_initial"),
    ]

    operations = [
        ConcurrentAddIndex("audit", models.Index(fields=["-start_on", "-id"], name="audit_newest_idx")),
        ConcurrentAddIndex(
            "audit", models.Index(fields=["prefecture", "-start_on", "-id"], name="audit_pref_newest_idx")
        ),
        ConcurrentAddIndex("finding", models.Index(fields=["audit", "id"], name="finding_audit_order_idx")),
    ]
