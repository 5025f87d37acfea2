"""Copies of the test database, so that the suite replays the migrations once and loads the browser tests' demo once.

- The template: the test database right after `migrate` (schema, data migrations: départements, référentiels,
  catalogue, questionnaires, beat schedules; content types and permissions), kept between runs and keyed by a
  fingerprint of what the migrations read (their files, the project modules and data files they use, Django's
  version). A run whose fingerprint has a template copies it instead of migrating; otherwise it migrates and
  saves the template. A changed migration, référentiel or catalogue gives a new fingerprint, hence a real
  `migrate`; `make quality` checks that the migrations match the models (makemigrations --check).
- Snapshots: a copy of the test database taken during the run and put back later (the demo of the browser tests);
  on PostgreSQL, put back in place when only some tables were written since (InPlaceSnapshot).

PostgreSQL copies whole databases (CREATE DATABASE … TEMPLATE …): the template lives on the server as
``<test database>_tpl_<fingerprint>``. SQLite's test database lives in memory: the template is a file of the cache
folder (``$XDG_CACHE_HOME/qualipref/test-db``, ``~/.cache`` by default), copied through SQLite's backup API.
Removing that file or dropping that database makes the next run migrate again (pytest's --reuse-db and
--no-migrations bypass the templates).

Under pytest-xdist (`make test` runs one process per core) each process has its own test database
(``test_qualipref_gw0``, ``…_gw1``) copied from one template, named without the process's suffix; the first
process to miss the template migrates and saves it while the others wait on a lock, then copy it.
"""

import ast
import contextlib
import fcntl
import functools
import hashlib
import os
import re
import sqlite3
import sys
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

BASE_DIR = Path(settings.BASE_DIR).resolve()
XDIST_SUFFIX = re.compile(r"_gw\d+$")  # pytest-django's suffix of an xdist process's test database


def _cache_folder():
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "qualipref" / "test-db"


@contextlib.contextmanager
def _one_process_at_a_time(test_name):
    """Held while a process looks for the template and, missing it, migrates and saves it: the other processes
    of the run (and other runs on this machine) wait, then copy the template instead of migrating too."""
    folder = _cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{XDIST_SUFFIX.sub('', test_name)}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- the fingerprint -------------------------------------------------------------------------------------------


def _migration_files():
    """Every migration file of every installed app (Django's and third-party apps' included)."""
    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        if module_name is None:
            continue
        try:
            module = import_module(module_name)
        except ImportError:
            continue
        folder = Path(next(iter(module.__path__)))
        yield from sorted(folder.glob("*.py"))


def _project_sources_read_by(migration):
    """The project's modules a migration imports (lazily too) and the files it names next to its app
    (``Path(__file__)… / "referentials"``): their content decides what a data migration writes."""
    tree = ast.parse(migration.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            spec = find_spec(name.split(".")[0]) and find_spec(name)
            origin = Path(spec.origin).resolve() if spec and spec.origin else None  # "built-in" for sys, itertools
            if origin and origin.is_file() and origin.is_relative_to(BASE_DIR) and ".venv" not in origin.parts:
                yield origin
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Constant):
            target = migration.parent.parent / str(node.right.value)
            if target.is_dir():
                yield from sorted(path for path in target.rglob("*") if path.is_file())
            elif target.is_file():
                yield target


def fingerprint_sources():
    """The files whose content decides the migrated database."""
    sources = set()
    for migration in _migration_files():
        sources.add(migration.resolve())
        if migration.resolve().is_relative_to(BASE_DIR):
            sources.update(_project_sources_read_by(migration))
    return sorted(sources)


@functools.cache  # the migrations do not change during a run
def fingerprint():
    digest = hashlib.sha256(f"django {django.get_version()} python {sys.version_info[:2]}".encode())
    for path in fingerprint_sources():
        digest.update(str(path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --- PostgreSQL: whole databases copied by the server ----------------------------------------------------------


class PostgresCopies:
    def __init__(self, connection):
        self.connection = connection

    def _quote(self, name):
        return self.connection.ops.quote_name(name)

    def _server(self, *statements):
        """Statements run outside the test database (connections to it closed: a database being copied or
        dropped must have none; FORCE ends those of the live server's threads)."""
        self.connection.close()
        rows = None
        with self.connection.creation._nodb_cursor() as cursor:
            for statement, params in statements:
                cursor.execute(statement, params)
                rows = cursor.fetchall() if cursor.description else None
        return rows  # of the last statement

    def _exists(self, name):
        return bool(self._server(("SELECT 1 FROM pg_catalog.pg_database WHERE datname = %s", [name])))

    def _copy(self, source, target):
        """A database copied from ``source``, which must have no connection: a thread of the live server may still
        hold one after its last request."""
        self._server(
            (
                "SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [source],
            ),
            (f"DROP DATABASE IF EXISTS {self._quote(target)} WITH (FORCE)", None),
            (f"CREATE DATABASE {self._quote(target)} TEMPLATE {self._quote(source)}", None),
        )

    def template_name(self, test_name, key):
        return f"{XDIST_SUFFIX.sub('', test_name)}_tpl_{key}"

    def has_template(self, test_name, key):
        return self._exists(self.template_name(test_name, key))

    def save_template(self, test_name, key):
        """Copied under a temporary name, then renamed: a run that starts meanwhile never copies half a template.
        Templates of other fingerprints of this test database are dropped."""
        template = self.template_name(test_name, key)
        partial = f"{template}_partial"
        self._copy(test_name, partial)
        prefix = self.template_name(test_name, "")
        stale = self._server(
            (
                "SELECT datname FROM pg_catalog.pg_database WHERE starts_with(datname, %s) AND datname <> %s",
                [prefix, partial],
            )
        )
        self._server(*((f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)", None) for (name,) in stale))
        self._server((f"ALTER DATABASE {self._quote(partial)} RENAME TO {self._quote(template)}", None))

    in_place = None  # the snapshot the test database descends from and can be put back to in place

    def create_from_template(self, test_name, key):
        self._copy(self.template_name(test_name, key), test_name)
        self.in_place = None

    def snapshot(self, label):
        """The test database saved whole as ``<name>_<label>``, after it was given what puts it back in place (a copy
        of its rows in a schema of its own and a trigger on each table noting the tables written since:
        ``InPlaceSnapshot``), which the saved copy carries too."""
        name = self.connection.settings_dict["NAME"]
        in_place = InPlaceSnapshot(self.connection, label)
        taken = in_place.take()
        self._copy(name, f"{name}_{label}")
        self.in_place = in_place if taken else None

    def restore(self, label):
        """In place when the test database descends from the snapshot (the written tables' rows put back: a few
        milliseconds per table); otherwise the whole database copied again (CREATE DATABASE … TEMPLATE after a DROP
        DATABASE: a second or more, and the server's checkpoints)."""
        if self.in_place is not None and self.in_place.label == label and self.in_place.restore():
            return "remise en place"
        name = self.connection.settings_dict["NAME"]
        self._copy(f"{name}_{label}", name)
        in_place = InPlaceSnapshot(self.connection, label)
        self.in_place = in_place if in_place.exists() else None
        return "copiée"

    def drop_snapshot(self, label):
        name = self.connection.settings_dict["NAME"]
        self._server((f"DROP DATABASE IF EXISTS {self._quote(f'{name}_{label}')} WITH (FORCE)", None))


class InPlaceSnapshot:
    """A PostgreSQL test database put back as it was at a snapshot by rewriting only the tables written since.

    Taking it (``take``), in the test database itself: the schema ``qualipref_snapshot_<label>`` receives a copy of
    every table of ``public``, the list of those tables, the values of the sequences, a table ``_written`` and a
    function ``_restore``; every table of ``public`` receives a trigger per statement (INSERT, UPDATE, DELETE,
    TRUNCATE) that notes its name in ``_written``, whoever writes (the test, the live server's threads). Restoring
    (``restore``), in one transaction, with the triggers (foreign keys' included) off for the transaction
    (``session_replication_role = replica``: the suite's role, ``postgres``, may): each written table emptied and
    refilled from its copy, the sequences set back, ``_written`` emptied. The database then holds the snapshot's rows
    and sequences, as a copy of the whole database (CREATE DATABASE … TEMPLATE) would give, without the server's
    checkpoint that a copy and a DROP DATABASE each cost. A table created or dropped since, or a role that may not
    turn the triggers off, make it refuse (False): the caller copies the whole database instead.

    The schema is outside the search path: Django, its introspection and the tests see ``public`` only."""

    def __init__(self, connection, label):
        self.connection = connection
        self.label = label
        self.schema = connection.ops.quote_name(f"qualipref_snapshot_{label}")

    def exists(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regnamespace(%s) IS NOT NULL", [f"qualipref_snapshot_{self.label}"])
            return cursor.fetchone()[0]

    def take(self):
        schema = self.schema
        trigger = self.connection.ops.quote_name(f"qualipref_snapshot_{self.label}_written")
        statements = f"""
            DROP SCHEMA IF EXISTS {schema} CASCADE;
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}._tables AS
                SELECT c.relname::text AS name FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition;
            CREATE TABLE {schema}._sequences AS
                SELECT sequencename::text AS name, last_value, start_value FROM pg_catalog.pg_sequences
                WHERE schemaname = 'public';
            CREATE TABLE {schema}._written (name text PRIMARY KEY);
            CREATE FUNCTION {schema}._note_written() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {schema}._written VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$;
            DO $$
            DECLARE table_name text;
            BEGIN
                FOR table_name IN SELECT name FROM {schema}._tables LOOP
                    EXECUTE format('CREATE TABLE {schema}.%I AS TABLE public.%I', table_name, table_name);
                    EXECUTE format('CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE'
                        ' ON public.%I FOR EACH STATEMENT EXECUTE FUNCTION {schema}._note_written()', table_name);
                END LOOP;
            END $$;
            CREATE FUNCTION {schema}._restore() RETURNS integer LANGUAGE plpgsql AS $$
            DECLARE
                table_name text;
                rewritten integer := 0;
            BEGIN
                IF EXISTS (
                    SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition
                        AND c.relname::text NOT IN (SELECT name FROM {schema}._tables)
                ) OR EXISTS (
                    SELECT FROM {schema}._tables WHERE to_regclass(format('public.%I', name)) IS NULL
                ) THEN
                    RETURN -1;  -- a table created or dropped since the snapshot
                END IF;
                PERFORM set_config('session_replication_role', 'replica', true);
                FOR table_name IN SELECT name FROM {schema}._written ORDER BY name LOOP
                    EXECUTE format('DELETE FROM public.%I', table_name);
                    EXECUTE format('INSERT INTO public.%I SELECT * FROM {schema}.%I', table_name, table_name);
                    rewritten := rewritten + 1;
                END LOOP;
                PERFORM setval(format('public.%I', s.name)::regclass, coalesce(s.last_value, s.start_value),
                               s.last_value IS NOT NULL)
                FROM {schema}._sequences s
                JOIN pg_catalog.pg_sequences p ON p.schemaname = 'public' AND p.sequencename = s.name
                WHERE p.last_value IS DISTINCT FROM s.last_value;
                DELETE FROM {schema}._written;
                RETURN rewritten;
            END $$;
        """
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
                cursor.execute(statements)
        except DatabaseError:
            return False
        return True

    def restore(self):
        """True once the database holds the snapshot again; False if it cannot be done in place."""
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
                cursor.execute(f"SELECT {self.schema}._restore()")
                rewritten = cursor.fetchone()[0]
                if rewritten < 0:
                    transaction.set_rollback(True, using=self.connection.alias)
        except DatabaseError:
            return False
        return rewritten >= 0


# --- SQLite: the in-memory test database copied page by page (backup API) ----------------------------------------


SQLITE_TEMPLATES_KEPT = 4


def _modified(path):
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile by another run
        return 0


# The templates this process read, in memory: the file is read once, so that another run removing it meanwhile (the
# folder keeps the latest few, and working copies on other branches add theirs) cannot fail this run's later copies
# (« unable to open database file »).
_templates_read = {}


def _in_memory_copy(source):
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    source.backup(copy)
    return copy


class SqliteCopies:
    def __init__(self, connection):
        self.connection = connection
        self.snapshots = {}

    def _raw(self):
        self.connection.ensure_connection()
        return self.connection.connection

    def _template_file(self, key):
        return _cache_folder() / f"{key}.sqlite3"

    def has_template(self, test_name, key):
        return key in _templates_read or self._template_file(key).is_file()

    def _template(self, key):
        if key not in _templates_read:
            # Read-only: a missing file (removed meanwhile by another run) is an error, not a new empty database.
            source = sqlite3.connect(f"{self._template_file(key).as_uri()}?mode=ro", uri=True)
            try:
                _templates_read[key] = _in_memory_copy(source)
            finally:
                source.close()
        return _templates_read[key]

    def create_from_template(self, test_name, key):
        self._template(key).backup(self._raw())

    def save_template(self, test_name, key):
        """Written under a temporary name, then renamed (atomic): a run that starts meanwhile reads a whole file.
        The folder keeps the latest templates only (several working copies of the project may share it)."""
        target = self._template_file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        copy = sqlite3.connect(partial)
        try:
            self._raw().backup(copy)
        finally:
            copy.close()
        partial.replace(target)
        _templates_read[key] = _in_memory_copy(self._raw())
        templates = sorted(target.parent.glob("*.sqlite3"), key=_modified, reverse=True)
        for stale in templates[SQLITE_TEMPLATES_KEPT:]:
            stale.unlink(missing_ok=True)

    def snapshot(self, label):
        self.snapshots[label] = _in_memory_copy(self._raw())

    def restore(self, label):
        self.snapshots[label].backup(self._raw())
        return "copiée"

    def drop_snapshot(self, label):
        self.snapshots.pop(label).close()


def copies(connection, name=None):
    """The copier of the connection's test database (``name``: its name, by default the current one), or None for a
    database it cannot copy (SQLite in a file)."""
    name = name or connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        return PostgresCopies(connection)
    if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(name):
        return SqliteCopies(connection)
    return None


# --- the test database from the template -----------------------------------------------------------------------


def create_test_db_from_template(creation, original):
    """A replacement of ``connection.creation.create_test_db``: Django's steps, the copy of the template standing
    for `migrate` when the template exists; otherwise Django's own, followed by the template's saving."""

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        from django.core.management import call_command

        connection = creation.connection
        test_name = creation._get_test_db_name()
        backend = copies(connection, test_name)
        key = fingerprint()
        if keepdb or backend is None:
            return original(verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb)
        with _one_process_at_a_time(test_name):
            if not backend.has_template(test_name, key):
                name = original(verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb)
                backend.save_template(name, key)
                connection.ensure_connection()
                return name
            if verbosity >= 1:
                creation.log(f"Copying the template of the test database for alias '{connection.alias}' ({key})...")
            connection.close()
            settings.DATABASES[connection.alias]["NAME"] = test_name
            connection.settings_dict["NAME"] = test_name
            backend.create_from_template(test_name, key)
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        call_command("createcachetable", database=connection.alias)
        connection.ensure_connection()
        return test_name

    return create_test_db
