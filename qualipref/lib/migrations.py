"""Migration operations the apps share.

An index added to a big table is built ``CONCURRENTLY`` on PostgreSQL: the table keeps taking writes while it is
built (a plain ``CREATE INDEX`` locks them out for the whole build). SQLite, which runs the same migrations in
development and in the tests, has no such thing and gets the plain operation. A migration using these operations
sets ``atomic = False`` (PostgreSQL refuses ``CONCURRENTLY`` inside a transaction).
"""

from django.db import migrations


class _ConcurrentlyOnPostgreSQL:
    """Runs ``concurrent_operation`` (from django.contrib.postgres.operations) on PostgreSQL, the plain Django
    operation it extends elsewhere. The state is the plain operation's: ``makemigrations`` sees no difference."""

    concurrent_operation = None  # the name of the class in django.contrib.postgres.operations

    def _run(self, method, schema_editor, *args):
        if schema_editor.connection.vendor == "postgresql":
            # Imported here: the module needs psycopg, which a SQLite-only installation may not have.
            from django.contrib.postgres import operations

            _, args_of_self, kwargs_of_self = self.deconstruct()
            concurrent = getattr(operations, self.concurrent_operation)(*args_of_self, **kwargs_of_self)
            return getattr(concurrent, method)(*args)
        return getattr(super(), method)(*args)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run("database_forwards", schema_editor, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run("database_backwards", schema_editor, app_label, schema_editor, from_state, to_state)


class ConcurrentAddIndex(_ConcurrentlyOnPostgreSQL, migrations.AddIndex):
    """``AddIndex``, built ``CONCURRENTLY`` on PostgreSQL."""

    concurrent_operation = "AddIndexConcurrently"


class ConcurrentRemoveIndex(_ConcurrentlyOnPostgreSQL, migrations.RemoveIndex):
    """``RemoveIndex``, dropped ``CONCURRENTLY`` on PostgreSQL."""

    concurrent_operation = "RemoveIndexConcurrently"
