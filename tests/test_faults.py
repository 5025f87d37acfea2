# ruff: noqa: F811 - fixtures imported from other test modules are parameters here
"""Faults against the real services (PostgreSQL, a redis-server of its own, a real ``celery worker`` process):

- Redis stopped while users write: API writes, an audit report request, a big correspondence import, the public
  complaint form and a dashboard all answer as usual, the rows are written and their tasks wait in the outbox;
  Redis back, the relay queues each task once and a worker runs each once (one report, the letters imported once).
- A worker killed with SIGKILL in the middle of an import: once the visibility timeout has passed, Redis hands the
  message to the restarted worker, which imports every letter, once.

PostgreSQL only (the worker process shares the test database; SQLite's test database is in memory): skipped on
SQLite, which QUALIPREF_STRICT=1 turns into a failure in the PostgreSQL series.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audits.models import AuditReport
from audits.services import reports
from complaints.correspondence import imports
from complaints.models import Complaint, Correspondence, CorrespondenceImport
from qualipref.celery import app
from qualipref.models import OutboxMessage
from tests.api.conftest import world  # noqa: F401 (fixture)
from tests.audits.conftest import cycle  # noqa: F401 (fixture)
from tests.audits.test_reports import reported_audit  # noqa: F401 (fixture)
from tests.complaints.form_data import public_form
from tests.test_celery_worker import database_shared_with_worker  # noqa: F401 (fixture)

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = 6391  # this worktree's range (6391-6395): a Redis of the test's own, stopped and started again
WAIT = 60
ROWS = 8000  # about 300 KB: above SYNC_MAX_BYTES, imported by the worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.usefixtures("database_shared_with_worker"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server absent"),
]


def _wait_for(condition, timeout=WAIT, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


class RedisServer:
    def __init__(self, port, folder):
        self.port, self.folder, self.process = port, folder, None
        self.url = f"redis://127.0.0.1:{port}/0"
        self.client = redis.Redis(port=port, socket_connect_timeout=1)

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up():
            try:
                return self.client.ping()
            except redis.RedisError:
                return False

        assert _wait_for(up, timeout=10), f"redis-server ne démarre pas sur le port {self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path, settings, monkeypatch):
    """A redis-server on its own port, used by this process as cache and broker (as in production)."""
    server = RedisServer(PORT, tmp_path)
    server.start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "BACKEND": "django_redis.cache.RedisCache", "LOCATION": server.url}
    }
    settings.CACHES["default"].setdefault(
        "OPTIONS", {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    )
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)  # Celery reads it before its configuration
    monkeypatch.setattr(app.conf, "broker_url", server.url)
    yield server
    if server.process is not None:
        server.stop()


class Worker:
    """A ``celery worker`` process (prefork, one child) on the test database and the private Redis."""

    def __init__(self, redis_url, log, **env):
        db = connection.settings_dict
        self.log = log
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "PYTEST"))},
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": redis_url,
            "CACHE_URL": redis_url.rsplit("/", 1)[0] + "/1",
            "MEDIA_ROOT": str(connection_media_root()),
            # Short, so that the test sees the redelivery: production uses 240 s and 120 s (settings.py).
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "CELERY_TASK_TIME_LIMIT": "3",
            "CELERY_TASK_SOFT_TIME_LIMIT": "2",
            **env,
        }
        self.process = None

    def start(self):
        self.output = open(self.log, "ab")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "qualipref",
                "worker",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--include=tests.fault_hooks",
                "--loglevel=INFO",
                f"--hostname=fault-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool's child too
        )
        return self

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.output.close()

    def text(self):
        return Path(self.log).read_text(errors="replace")


def connection_media_root():
    from django.conf import settings

    return settings.MEDIA_ROOT


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(redis_url, **env):
        worker = Worker(redis_url, tmp_path / f"worker-{len(started)}.log", **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _import_file(world):
    rows = "".join(f"{world.site.pk};courrier;02/03/2026;;F-{index};Objet\n" for index in range(ROWS))
    return SimpleUploadedFile("courriers.csv", ("site;type;reçu le;répondu le;référence;objet\n" + rows).encode())


def _queued(server):
    return server.client.llen("celery")


def test_with_redis_stopped_writes_succeed_and_their_tasks_run_once_when_it_is_back(
    private_redis, workers, world, reported_audit, client, monkeypatch, settings
):
    from rest_framework.test import APIClient

    settings.QUALIPREF_DASHBOARD_CACHE_SECONDS = 60  # dashboards read through the cache
    monkeypatch.setattr(reports, "LARGE_REPORT_ITEMS", 10)
    quality_manager = world.users["quality_manager"]
    client.force_login(quality_manager)
    dashboard = reverse("dashboard_prefecture", kwargs={"pk": world.prefecture.pk})
    assert client.get(dashboard).status_code == 200  # built and cached while Redis is there
    OutboxMessage.objects.all().delete()  # the computations asked for by the world's creation
    private_redis.client.flushdb()

    private_redis.stop()

    api = APIClient()
    api.force_authenticate(world.users["agent"])
    started = time.monotonic()
    created = api.post(
        reverse("api:complaint-list"),
        {"site": world.site.pk, "channel": "letter", "received_on": "2026-03-02", "description": "Courrier reçu."},
        format="json",
    )
    requested = client.post(reverse("audit_report", kwargs={"pk": reported_audit.pk}))
    imported = client.post(
        reverse("correspondence_import"), {"prefecture": world.prefecture.pk, "file": _import_file(world)}
    )
    read = client.get(dashboard)
    public = client.post(reverse("public_complaint_form"), public_form(world))
    elapsed = time.monotonic() - started

    assert (created.status_code, requested.status_code, imported.status_code) == (201, 302, 302)
    assert (read.status_code, public.status_code) == (200, 302)
    assert Complaint.objects.count() == 2
    report = AuditReport.objects.get(audit=reported_audit)
    batch = CorrespondenceImport.objects.get()
    assert (report.status, batch.status) == ("pending", "pending")
    unsent = dict(OutboxMessage.objects.filter(sent_at__isnull=True).values_list("task", "args"))
    assert unsent == {
        "indicators.tasks.compute_changes": [],
        "audits.tasks.produce_audit_report": [report.pk],
        "complaints.tasks.run_correspondence_import": [batch.pk],
    }
    assert not OutboxMessage.objects.filter(sent_at__isnull=False).exists()
    assert elapsed < 30, f"{elapsed:.1f} s pour cinq requêtes sans Redis"

    private_redis.start()
    call_command("relay_outbox", "--no-sweep")
    call_command("relay_outbox", "--no-sweep")  # a second run sends nothing again

    assert _queued(private_redis) == 3
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    # Not the kill test's 4-s visibility timeout: the audit report takes up to 6 s on a slow machine, and Redis
    # would hand it out a second time while it runs (seen in CI), which is the kill test's subject, not this one's.
    worker = workers(
        private_redis.url, CELERY_VISIBILITY_TIMEOUT="60", CELERY_TASK_TIME_LIMIT="50", CELERY_TASK_SOFT_TIME_LIMIT="40"
    )
    assert _wait_for(lambda: CorrespondenceImport.objects.get(pk=batch.pk).status == "done")
    assert _wait_for(lambda: AuditReport.objects.get(pk=report.pk).status == "done")
    assert _wait_for(lambda: "compute_changes[outbox-" in worker.text() and "succeeded" in worker.text())

    assert AuditReport.objects.filter(audit=reported_audit).count() == 1
    assert Correspondence.objects.filter(import_batch=batch).count() == ROWS
    assert _queued(private_redis) == 0
    log = worker.text()
    for message in OutboxMessage.objects.all():
        assert log.count(f"[outbox-{message.pk}] received") == 1, log[-3000:]


def test_a_task_whose_worker_is_killed_runs_again_once(private_redis, workers, world):
    OutboxMessage.objects.all().delete()  # the computations asked for by the world's creation
    private_redis.client.flushdb()
    batch = imports.import_start(
        by=world.users["quality_manager"], prefecture=world.prefecture, file=_import_file(world)
    )
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and _queued(private_redis) == 1

    first = workers(private_redis.url, QUALIPREF_TEST_SLOW_IMPORT="2")
    assert _wait_for(lambda: CorrespondenceImport.objects.get(pk=batch.pk).status == "checking")
    killed_at = time.monotonic()
    first.kill()
    assert CorrespondenceImport.objects.get(pk=batch.pk).status == "checking"
    assert _queued(private_redis) == 0  # the message is held, unacknowledged, for the visibility timeout

    second = workers(private_redis.url)  # the operator's (or docker's) restart
    assert _wait_for(lambda: CorrespondenceImport.objects.get(pk=batch.pk).status == "done")
    redelivered_in = time.monotonic() - killed_at

    assert Correspondence.objects.filter(import_batch=batch).count() == ROWS
    time.sleep(6)  # past another visibility timeout: nothing is delivered a third time
    log = second.text()
    assert log.count(f"[outbox-{message.pk}] received") == 1, log[-3000:]
    assert log.count(f"[outbox-{message.pk}] succeeded") == 1, log[-3000:]
    assert Correspondence.objects.filter(import_batch=batch).count() == ROWS
    assert _queued(private_redis) == 0 and private_redis.client.hlen("unacked") == 0
    assert redelivered_in < WAIT


def test_with_a_redis_result_backend_a_write_that_queues_a_task_does_not_wait_for_redis(
    private_redis, monkeypatch, django_capture_on_commit_callbacks
):
    """An operator may store results in Redis (CELERY_RESULT_BACKEND). Celery then subscribes to each task's result
    before publishing it, and retried that subscription for some twenty seconds while Redis was away (19 s here;
    gunicorn killed the request at 30 s in production mode): now the publish fails at once, the outbox keeps it."""
    from celery.backends.redis import RedisBackend

    from qualipref import outbox

    backend = RedisBackend(app=app, url=private_redis.url)
    monkeypatch.setattr(type(app), "backend", property(lambda _app: backend))
    private_redis.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("indicators.tasks.compute_changes")
    elapsed = time.monotonic() - started

    assert elapsed < 5, f"{elapsed:.1f} s pour mettre une tâche en file sans Redis"
    message.refresh_from_db()
    assert message.sent_at is None  # left for the relay, sent once Redis is back
