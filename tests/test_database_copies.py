"""The template of the test database (tests/database_copies.py): its fingerprint follows what the data migrations
read, and the database the tests run on has every migration applied."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import database_copies
from tests.database_copies import fingerprint_sources


def test_the_fingerprint_covers_the_migrations_and_what_the_data_migrations_read():
    sources = {
        str(path.relative_to(settings.BASE_DIR))
        for path in fingerprint_sources()
        if path.is_relative_to(settings.BASE_DIR)
    }
    assert "sites/migrations/0002_departments.py" in sources
    assert "indicators/catalogue.yaml" in sources  # read by indicators/migrations/0002_catalogue.py
    assert any(source.startswith("engagements/referentials/") for source in sources)  # engagements 0002
    assert "surveys/questionnaires.py" in sources  # imported inside surveys/migrations/0002_questionnaires.py
    assert "qualipref/lib/beat.py" in sources  # the beat schedules' migrations
    assert any("django_celery_beat" in str(path) for path in fingerprint_sources())  # third-party apps' migrations


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


class _MemoryDatabase:
    """What SqliteCopies uses of a Django connection: an in-memory SQLite database."""

    def __init__(self):
        self.connection = sqlite3.connect(":memory:")

    def ensure_connection(self):
        pass


def test_an_sqlite_template_read_once_is_copied_again_after_another_run_removed_its_file(tmp_path, monkeypatch):
    """Working copies on other branches share the cache folder, which keeps the latest templates only: a run must
    not fail half-way (« unable to open database file ») because another one removed the template it started with."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(database_copies, "_templates_read", {})
    migrated = sqlite3.connect(":memory:")
    migrated.execute("CREATE TABLE department (code TEXT)")
    migrated.execute("INSERT INTO department VALUES ('13')")
    migrated.commit()
    template = tmp_path / "qualipref" / "test-db" / "cafe.sqlite3"
    template.parent.mkdir(parents=True)
    with sqlite3.connect(template) as file:
        migrated.backup(file)
    test_database = _MemoryDatabase()
    copies = database_copies.SqliteCopies(test_database)
    copies.create_from_template("test_qualipref", "cafe")
    test_database.connection.execute("DELETE FROM department")
    test_database.connection.commit()

    template.unlink()
    assert copies.has_template("test_qualipref", "cafe")
    copies.create_from_template("test_qualipref", "cafe")
    assert test_database.connection.execute("SELECT code FROM department").fetchall() == [("13",)]


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_snapshot_is_put_back_in_place_with_its_rows_and_sequences():
    """The browser tests' demo is put back before each of them by rewriting the tables written since the snapshot
    (InPlaceSnapshot): the rows, the sequences and a later restore come back as they were; a table created since
    makes it refuse, so that the caller copies the whole database."""
    if connection.vendor != "postgresql":
        pytest.skip("Copie en place propre à PostgreSQL (SQLite copie la base en mémoire).")
    from sites.models import Department, Prefecture
    from tests import factories

    snapshot = database_copies.InPlaceSnapshot(connection, "essai")
    assert snapshot.take()
    try:
        prefecture_ids = list(Prefecture.objects.values_list("pk", flat=True))
        departments = sorted(Department.objects.values_list("code", "name"))
        factories.PrefectureFactory(department=Department.objects.get(code="13"))
        next_prefecture = factories.PrefectureFactory(department=Department.objects.get(code="84")).pk
        Department.objects.filter(code="13").update(name="Renommé")
        Department.objects.filter(code="2A").delete()

        assert snapshot.restore()
        assert sorted(Department.objects.values_list("code", "name")) == departments
        assert list(Prefecture.objects.values_list("pk", flat=True)) == prefecture_ids
        assert factories.PrefectureFactory(department=Department.objects.get(code="84")).pk == next_prefecture - 1

        assert snapshot.restore()  # the prefecture just created is written down too
        assert list(Prefecture.objects.values_list("pk", flat=True)) == prefecture_ids

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE public.essai_cree_depuis (id integer)")
        assert not snapshot.restore()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS public.essai_cree_depuis")
            cursor.execute("DROP SCHEMA IF EXISTS qualipref_snapshot_essai CASCADE")  # its triggers with it
