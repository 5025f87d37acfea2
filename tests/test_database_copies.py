"""The template of the test database (tests/database_copies.py): its fingerprint follows what the data migrations
read, and the database the tests run on has every migration applied."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
