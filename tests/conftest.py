import importlib
import os

import pytest

from tests import factories
from tests.database_state import (  # noqa: F401
    demo_data,
    demo_snapshot,
    pytest_collection_modifyitems,
    pytest_runtest_setup,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)
from tests.pdf_layout import pdf_layout_skipped  # noqa: F401
from tests.strict_templates import _allow_unknown_template_variables, _unknown_template_variables_fail  # noqa: F401

# In CI (QUALIPREF_STRICT=1) a skipped test is a failure: every database, broker and browser test must run.
STRICT = os.environ.get("QUALIPREF_STRICT") == "1"


def redis_database_of_this_process(url):
    """The Redis URL ``url`` with the database of this pytest-xdist process: ``make test`` runs one process per core,
    and each test empties the cache (a FLUSHDB with django-redis), which would empty the queues and the counters of
    the other process's tests. Process N takes database D - 2N (D: the URL's), so that the SQLite series' worker tests
    (database 14) and the PostgreSQL series (15) never meet."""
    process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if not process or not url.startswith(("redis://", "rediss://")):
        return url
    base, _slash, database = url.rpartition("/")
    return f"{base}/{int(database or 0) - 2 * process}"


def _own_redis_database_per_process():
    """Django's settings and Celery's configuration were read before this module (pytest-django sets Django up
    first): they are changed here, before any test touches the cache or the broker."""
    from django.conf import settings

    from qualipref.celery import app

    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
        if os.environ.get(name):
            os.environ[name] = redis_database_of_this_process(os.environ[name])
    cache = settings.CACHES["default"]
    if cache["BACKEND"] == "django_redis.cache.RedisCache":
        cache["LOCATION"] = redis_database_of_this_process(cache["LOCATION"])
    app.conf.broker_url = settings.CELERY_BROKER_URL = redis_database_of_this_process(settings.CELERY_BROKER_URL)
    if settings.CELERY_RESULT_BACKEND:
        settings.CELERY_RESULT_BACKEND = redis_database_of_this_process(settings.CELERY_RESULT_BACKEND)
        app.conf.result_backend = settings.CELERY_RESULT_BACKEND


_own_redis_database_per_process()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Test ignoré en CI (interdit) : {report.longrepr}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, django_db_use_migrations):
    """pytest-django's hook before it creates the test database: the creation copies a template instead of
    replaying the migrations when the migrations have not changed since it was saved (tests/database_copies.py).
    Not with --no-migrations, whose database must not become the template of a migrated one."""
    from django.db import connections

    from tests.database_copies import create_test_db_from_template

    if not django_db_use_migrations:
        yield
        return
    creations = [c.creation for c in connections.all() if c.settings_dict["TEST"].get("MIGRATE", True) is not False]
    for creation in creations:
        creation.create_test_db = create_test_db_from_template(creation, creation.create_test_db)
    yield
    for creation in creations:
        del creation.create_test_db  # the class's method again


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fast_passwords():
    """For data built outside a test (module and session fixtures), which the autouse fixture above does not reach."""
    from django.test import override_settings

    return override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS)


@pytest.fixture
def password():
    return factories.PASSWORD


@pytest.fixture(autouse=True, scope="session")
def _celery_filesystem_queue_in_tmp(tmp_path_factory):
    """With the embedded broker (filesystem://), messages sent by tests go to a throwaway folder: the worker of
    `make run` reads var/celery/queue and must never receive tasks about objects of a test database."""
    from qualipref.celery import app

    if not app.conf.broker_url.startswith("filesystem://"):
        yield
        return
    folder = tmp_path_factory.mktemp("celery")
    (folder / "queue").mkdir()
    (folder / "processed").mkdir()
    (folder / "control").mkdir()
    previous = app.conf.broker_transport_options
    app.conf.broker_transport_options = {
        **previous,
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
    }
    yield
    app.conf.broker_transport_options = previous


@pytest.fixture(autouse=True)
def _dashboards_built_each_time(settings):
    """Tests count the queries of a dashboard's build: they build it each time, except the cache's own tests."""
    settings.QUALIPREF_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached values must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _rate_limit_window_stands_still(monkeypatch):
    """django-ratelimit counts requests in fixed windows: a window ending mid-test would reset the count and let
    the 61st request of a 60/m limit through. Its clock stands still during a test."""
    import types

    import django_ratelimit.core

    now = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A content type created inside a rolled-back test stays in Django's cache with an id that no longer exists
    (PostgreSQL never reuses it): generic links (an action's source) would point at nothing."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def restore_reference_data():
    """Where the test database cannot be copied (tests/database_state.py), transactional tests end with Django's
    flush, which also empties what the data migrations loaded (départements, the DSFR header texts, whose absence
    the strict template check reports): put it back when it is missing."""
    from django.apps import apps

    from sites.models import Department

    if not Department.objects.filter(code="13").exists():
        importlib.import_module("sites.migrations.0002_departments").load(apps, None)
        importlib.import_module("qualipref.migrations.0001_site_config").create(apps, None)
