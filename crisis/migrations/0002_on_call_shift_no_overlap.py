"""On PostgreSQL, the shifts of one prefecture cannot overlap, whoever writes them: an exclusion constraint on
(prefecture, [start, end)), which needs the btree_gist extension for the prefecture's equality. SQLite has no such
constraint: crisis.services checks the overlap under a lock of the prefecture's row, on both databases."""

from django.db import migrations

CONSTRAINT = "on_call_shift_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("crisis", "OnCallShift")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (prefecture_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("crisis", "OnCallShift")._meta.db_table
    schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("crisis", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
