# ruff: noqa: F811 - fixtures imported from other test modules are parameters here
"""A real Celery worker consumes the project's tasks from Redis, and tasks enqueued on commit wait for it.

The worker runs in a thread of the test process (celery.contrib.testing.worker.start_worker) with the project's
Celery configuration (Django settings, CELERY_ namespace, task autodiscovery) pointed at Redis for both the broker
and the result backend, on a queue of its own so that no other worker steals the messages.
Without Redis the tests are skipped, which QUALIPREF_STRICT=1 (CI) turns into a failure.
"""

import os
import uuid

import pytest
import redis
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from django.db import transaction

from qualipref import outbox
from qualipref.models import OutboxMessage
from qualipref.tasks import ping
from tests.broker import published  # noqa: F401 (fixture)
from tests.conftest import redis_database_of_this_process, restore_reference_data

pytestmark = [
    pytest.mark.worker,
    # celery's Redis result backend still calls redis-py's setex
    pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning"),
]

RESULT_TIMEOUT = 20


def _redis_url():
    """The broker of the run when it is Redis (CI), otherwise a local Redis, database 14 (kept for tests; CI's
    PostgreSQL series, running at the same time, flushes its own database 15)."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    return (
        url
        if url.startswith(("redis://", "rediss://"))
        else redis_database_of_this_process("redis://127.0.0.1:6379/14")
    )


@pytest.fixture(scope="module")
def worker_app():
    url = _redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis injoignable à {url} ({exc.__class__.__name__}) : démarrez redis-server pour ce test.")

    queue = f"qualipref-test-{uuid.uuid4().hex[:12]}"
    with pytest.MonkeyPatch.context() as mp:
        # Celery reads these variables before its configuration: they must name Redis too.
        mp.setenv("CELERY_BROKER_URL", url)
        mp.setenv("CELERY_RESULT_BACKEND", url)
        for name in ("CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL"):
            mp.delenv(name, raising=False)

        app = Celery("qualipref", set_as_current=False)
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.update(
            broker_url=url,
            result_backend=url,
            broker_transport_options={},
            task_default_queue=queue,
            task_always_eager=False,
            result_expires=600,
            worker_hijack_root_logger=False,
        )
        app.autodiscover_tasks(force=True)  # now, not on finalize: a task module no test imported yet is registered too
        app.finalize(auto=True)
        assert "qualipref.tasks.ping" in app.tasks

        with setup_default_app(app), start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield app

        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


@pytest.fixture
def database_shared_with_worker(transactional_db):
    """The worker's thread writes to the database the test reads. SQLite's in-memory test database locks whole
    tables between the two (« database table is locked »): these tests run on PostgreSQL (CI)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("La base SQLite de test, en mémoire, ne se partage pas avec le fil du worker (PostgreSQL en CI).")
    restore_reference_data()


def test_a_real_worker_consumes_the_ping_task_from_redis_and_stores_its_result(worker_app):
    result = ping.delay()

    assert result.get(timeout=RESULT_TIMEOUT) == "pong"
    assert result.successful()
    assert worker_app.conf.broker_url.startswith("redis")
    assert type(result.backend).__name__ == "RedisBackend"


def test_a_task_recorded_in_the_outbox_is_sent_only_when_the_transaction_commits(
    worker_app, published, db, django_capture_on_commit_callbacks
):
    # The test runs inside a transaction that is never committed: Django's capture plays the commit.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            assert outbox.enqueue(ping) is not None
            assert published == [], "envoyé avant la validation de la transaction"
        assert published == [], "envoyé à la sortie d'un bloc atomique imbriqué, avant la validation"

    assert len(callbacks) == 1
    assert len(published) == 1
    assert AsyncResult(published[0], app=worker_app).get(timeout=RESULT_TIMEOUT) == "pong"
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_task_recorded_in_the_outbox_is_never_sent_when_the_transaction_rolls_back(
    worker_app, published, db, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue(ping)
        raise RuntimeError("annulation")

    assert callbacks == []
    assert published == []
    assert not OutboxMessage.objects.exists()


def test_a_big_correspondence_import_runs_in_the_worker_and_reports_its_progress(
    worker_app, database_shared_with_worker
):
    """The import of a big CSV file goes through the broker; its progress is written on the import's row, in the
    database every process shares (the page polls it), so it works with Redis as with the filesystem broker."""
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.correspondence import imports
    from complaints.models import Correspondence, CorrespondenceImport
    from complaints.tasks import run_correspondence_import
    from tests.permissions.world import build_world

    world = build_world()
    rows = "".join(f"{world.site.pk};courrier;02/03/2026;;W-{index};Objet\n" for index in range(8000))
    upload = SimpleUploadedFile("courriers.csv", ("site;type;reçu le;répondu le;référence;objet\n" + rows).encode())
    batch = imports.import_create(by=world.users["quality_manager"], prefecture=world.prefecture, file=upload)
    assert imports.runs_in_background(batch)

    result = run_correspondence_import.delay(batch.pk)

    assert result.get(timeout=RESULT_TIMEOUT) == "done"
    deadline = time.monotonic() + RESULT_TIMEOUT
    while CorrespondenceImport.objects.get(pk=batch.pk).status != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.imported) == ("done", 100, 8000)
    assert Correspondence.objects.filter(import_batch=batch).count() == 8000


@pytest.mark.parametrize(
    ("scope", "role", "expected"),
    [
        ("national", "national", ("Tableau de bord national", "Préfecture du Val")),
        ("prefecture", "quality_manager", ("Tableau de bord – Préfecture des Bouches-du-Rhône", "Istres")),
    ],
)
def test_a_dashboard_pdf_is_produced_by_the_worker_and_downloaded(
    worker_app, database_shared_with_worker, client, tmp_path, scope, role, expected
):
    """Asked for on the page: the request commits a pending row and its outbox message, which reaches the worker
    through Redis; the worker renders the PDF and stores it; the page then offers it, and its text is the dashboard's
    (a prefecture's: as its reader sees it).
    """
    import time

    from django.urls import reverse

    from indicators.models import DashboardPdf
    from tests.pdf_pages import pages
    from tests.permissions.world import build_world

    world = build_world()
    whose = {} if scope == "national" else {"pk": world.prefecture.pk}
    client.force_login(world.users[role])
    response = client.post(reverse(f"dashboard_{scope}_pdf", kwargs=whose))
    item = DashboardPdf.objects.get()
    assert response.status_code == 302 and item.status in ("pending", "running", "done")
    assert OutboxMessage.objects.get(key=f"indicators.DashboardPdf:{item.pk}").sent_at is not None

    deadline = time.monotonic() + RESULT_TIMEOUT
    while not DashboardPdf.objects.get(pk=item.pk).is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
    item.refresh_from_db()
    assert item.status == "done", item.error
    fragment = client.get(item.status_url, HTTP_HX_REQUEST="true").content.decode()
    file_url = reverse(f"dashboard_{scope}_pdf_file", kwargs=whose | {"pdf_pk": item.pk})
    assert f'href="{file_url}"' in fragment
    content = client.get(file_url).getvalue()
    text = " ".join(line for page in pages(content, tmp_path) for line in page)
    assert all(part in text for part in expected), text
