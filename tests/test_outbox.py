# ruff: noqa: F811 - fixtures imported from other test modules are parameters here
"""The transactional outbox (qualipref.outbox): a task asked for by a write is recorded in the write's transaction,
sent once committed, sent later by the relay when the broker was away, never sent twice; work items left pending or
running are re-queued, then failed with « Relancer » on their page. Runs on SQLite (filesystem broker) and on
PostgreSQL + Redis; the broker that is away is a real closed port."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditReport
from audits.services import reports
from complaints.correspondence import imports
from complaints.models import CorrespondenceImport
from indicators.models import ComputeRun
from qualipref import outbox
from qualipref.celery import app
from qualipref.models import OutboxMessage
from qualipref.tasks import ping
from tests.api.conftest import world  # noqa: F401 (fixture)
from tests.audits.conftest import cycle  # noqa: F401 (fixture)
from tests.audits.test_reports import reported_audit  # noqa: F401 (fixture)
from tests.broker import published  # noqa: F401 (fixture)
from tests.complaints.form_data import public_form

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:6395/0"  # a port of this worktree's range where nothing listens
ROLES = ("national", "quality_manager", "site_referent", "agent", "manager", "auditor")


@pytest.fixture
def broker_away(monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", DEAD_BROKER)
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_BROKER)  # Celery reads it before its configuration


@pytest.fixture
def login(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def test_a_task_is_sent_once_its_transaction_commits(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(ping)
        assert published == []

    message.refresh_from_db()
    assert published == [f"outbox-{message.pk}"]
    assert message.sent_at is not None and message.attempts == 1


def test_with_the_broker_away_the_write_commits_and_the_relay_sends_the_task_once_it_is_back(
    broker_away, monkeypatch, published, django_capture_on_commit_callbacks
):
    import time

    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        message = outbox.enqueue(ping)
    elapsed = time.monotonic() - started

    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error or "111" in message.last_error
    assert elapsed < 1, f"un broker absent a coûté {elapsed:.1f} s à la requête"
    assert outbox.relay() == 0  # still away: nothing sent, nothing lost
    assert published == []

    monkeypatch.undo()  # the broker is back
    assert outbox.relay() == 1
    assert outbox.relay() == 0  # a second relay sends nothing again
    message.refresh_from_db()
    assert published == [f"outbox-{message.pk}"]
    assert message.sent_at is not None and message.attempts == 3 and message.last_error == ""


def test_once_records_one_message_for_a_burst(broker_away):
    first = outbox.enqueue("indicators.tasks.compute_changes", key="indicators:compute-changes", once=True)
    again = outbox.enqueue("indicators.tasks.compute_changes", key="indicators:compute-changes", once=True)

    assert first is not None and again is None
    assert OutboxMessage.objects.count() == 1


def test_the_relay_purges_the_rows_sent_long_ago(settings):
    old = OutboxMessage.objects.create(task="qualipref.tasks.ping", sent_at=timezone.now() - datetime.timedelta(days=8))
    recent = OutboxMessage.objects.create(task="qualipref.tasks.ping", sent_at=timezone.now())

    call_command("relay_outbox")

    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk not in OutboxMessage.objects.values_list("pk", flat=True)


# --- audit reports --------------------------------------------------------------------------------------


def _age(model, pk, minutes=20):
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_report_stuck_running_is_queued_again_then_failed_with_a_french_message(
    reported_audit,
    world,
    published,
    django_capture_on_commit_callbacks,
    settings,
    login,
):
    settings.QUALIPREF_WORK_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(by=world.users["quality_manager"], audit=reported_audit)
    AuditReport.objects.filter(pk=report.pk).update(status="running", progress=40)  # then its worker died
    _age(AuditReport, report.pk, minutes=5)

    assert outbox.sweep_stale() == {
        "sweep_stale_reports": 0,
        "sweep_stale_imports": 0,
        "sweep_stale_deliveries": 0,
        "sweep_stale_runs": 0,
        "sweep_stale_pdfs": 0,
        "sweep_stale_review_pdfs": 0,
    }

    _age(AuditReport, report.pk)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("relay_outbox")
    report.refresh_from_db()
    assert (report.status, report.progress) == ("pending", 0)
    assert OutboxMessage.objects.filter(key=f"audits.AuditReport:{report.pk}", sent_at__isnull=False).count() == 2
    assert len(published) == 2

    _age(AuditReport, report.pk)
    call_command("relay_outbox")
    report.refresh_from_db()
    assert report.status == "failed"
    assert report.error.startswith("La production n'a pas abouti après 2 tentatives")
    assert len(published) == 2

    page = login(world.users["quality_manager"]).get(reverse("audit_detail", kwargs={"pk": reported_audit.pk}))
    html = page.content.decode()
    assert "La production n&#x27;a pas abouti après 2 tentatives" in html
    assert reverse("audit_report_retry", kwargs={"pk": reported_audit.pk, "report_pk": report.pk}) in html


def test_a_report_whose_task_waits_for_the_broker_is_left_to_the_relay(reported_audit, world, broker_away):
    report = reports.report_request(by=world.users["quality_manager"], audit=reported_audit)
    _age(AuditReport, report.pk, minutes=60)

    assert outbox.sweep_stale()["sweep_stale_reports"] == 0
    report.refresh_from_db()
    assert report.status == "pending" and OutboxMessage.objects.count() == 1


def test_a_second_delivery_of_the_report_task_produces_no_second_report(reported_audit, world, monkeypatch):
    from audits.tasks import produce_audit_report

    monkeypatch.setattr(reports, "LARGE_REPORT_ITEMS", 10)
    report = reports.report_request(by=world.users["quality_manager"], audit=reported_audit)

    assert produce_audit_report(report.pk) == "done"
    stored = AuditReport.objects.get(pk=report.pk)
    assert produce_audit_report(report.pk) == "done"

    assert AuditReport.objects.filter(audit=reported_audit).count() == 1
    assert AuditReport.objects.get(pk=report.pk).file.name == stored.file.name


@pytest.mark.parametrize("role", ROLES)
def test_relancer_a_failed_report_is_allowed_to_every_role_that_reads_the_audit(
    reported_audit,
    world,
    login,
    role,
):
    failed = AuditReport.objects.create(audit=reported_audit, status="failed", error="Échec")
    client = login(world.users[role])

    response = client.post(reverse("audit_report_retry", kwargs={"pk": reported_audit.pk, "report_pk": failed.pk}))

    assert response.status_code == 302
    new = AuditReport.objects.filter(audit=reported_audit).exclude(pk=failed.pk).get()
    assert new.status == "pending"
    assert list(OutboxMessage.objects.values_list("task", "args")) == [("audits.tasks.produce_audit_report", [new.pk])]
    # a second click while it is pending starts nothing more
    client.post(reverse("audit_report_retry", kwargs={"pk": reported_audit.pk, "report_pk": failed.pk}))
    assert AuditReport.objects.filter(audit=reported_audit).count() == 2


def test_relancer_is_refused_to_a_user_of_another_prefecture(reported_audit, world, login):
    failed = AuditReport.objects.create(audit=reported_audit, status="failed", error="Échec")
    stranger = world.foreign_membership.user

    response = login(stranger).post(
        reverse("audit_report_retry", kwargs={"pk": reported_audit.pk, "report_pk": failed.pk})
    )

    assert response.status_code == 404
    assert AuditReport.objects.count() == 1 and not OutboxMessage.objects.exists()


def test_relancer_needs_a_post(reported_audit, world, login):
    failed = AuditReport.objects.create(audit=reported_audit, status="failed", error="Échec")
    response = login(world.users["quality_manager"]).get(
        reverse("audit_report_retry", kwargs={"pk": reported_audit.pk, "report_pk": failed.pk})
    )
    assert response.status_code == 405


# --- correspondence imports -----------------------------------------------------------------------------

HEADER = "site;type;reçu le;répondu le;référence;objet\n"


def _big_import(world, monkeypatch, by="quality_manager", rows=3):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr(imports, "SYNC_MAX_BYTES", 10)
    body = HEADER + "".join(f"{world.site.pk};courrier;02/03/2026;;OB-{index};Objet\n" for index in range(rows))
    upload = SimpleUploadedFile("courriers.csv", body.encode())
    return imports.import_start(by=world.users[by], prefecture=world.prefecture, file=upload)


def test_an_import_stuck_is_queued_again_then_failed_keeping_its_file_and_relancer_imports_it(
    world, monkeypatch, settings, login, django_capture_on_commit_callbacks
):
    from complaints.models import Correspondence
    from complaints.tasks import run_correspondence_import

    settings.QUALIPREF_WORK_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        batch = _big_import(world, monkeypatch)
    CorrespondenceImport.objects.filter(pk=batch.pk).update(status="checking")
    _age(CorrespondenceImport, batch.pk)

    call_command("relay_outbox")

    batch.refresh_from_db()
    assert batch.status == "failed" and batch.file
    assert batch.report["errors"][0]["message"].startswith("L'import n'a pas abouti après 1 tentatives")
    client = login(world.users["quality_manager"])
    html = client.get(reverse("correspondence_import_detail", kwargs={"pk": batch.pk})).content.decode()
    retry = reverse("correspondence_import_retry", kwargs={"pk": batch.pk})
    assert retry in html and "Relancer" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "pending"
    message = OutboxMessage.objects.get(key=f"complaints.CorrespondenceImport:{batch.pk}")
    assert message.sent_at is not None and message.args == [batch.pk]

    assert run_correspondence_import(batch.pk) == "done"
    assert run_correspondence_import(batch.pk) == "done"  # delivered twice: imported once
    assert Correspondence.objects.filter(import_batch=batch).count() == 3


@pytest.mark.parametrize("role", ROLES)
def test_relancer_an_import_is_for_the_quality_manager_and_its_author(world, monkeypatch, login, role):
    batch = _big_import(world, monkeypatch, by="agent")
    CorrespondenceImport.objects.filter(pk=batch.pk).update(status="failed")
    OutboxMessage.objects.all().delete()

    response = login(world.users[role]).post(reverse("correspondence_import_retry", kwargs={"pk": batch.pk}))

    batch.refresh_from_db()
    if role in ("quality_manager", "agent"):
        assert response.status_code == 302
        assert batch.status == "pending" and OutboxMessage.objects.count() == 1
    else:
        assert response.status_code in (403, 404)
        assert batch.status == "failed" and not OutboxMessage.objects.exists()


def test_an_import_whose_file_is_gone_cannot_be_relaunched(world, monkeypatch, login):
    batch = _big_import(world, monkeypatch)
    CorrespondenceImport.objects.filter(pk=batch.pk).update(status="failed", file="")

    client = login(world.users["quality_manager"])
    response = client.post(reverse("correspondence_import_retry", kwargs={"pk": batch.pk}), follow=True)

    assert "Cet import ne peut pas être relancé" in response.content.decode()
    assert CorrespondenceImport.objects.get(pk=batch.pk).status == "failed"


def test_a_computation_left_running_by_a_dead_worker_is_marked_failed():
    old = ComputeRun.objects.create(kind="changes", started_at=timezone.now() - datetime.timedelta(hours=1))
    current = ComputeRun.objects.create(kind="changes", started_at=timezone.now())

    assert outbox.sweep_stale()["sweep_stale_runs"] == 1

    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.state, current.state) == ("failed", "running")
    assert old.error.startswith("Calcul interrompu")


# --- the cache away ------------------------------------------------------------------------------------


def test_with_the_cache_away_pages_are_built_from_the_database_and_writes_go_on(settings, world, client):
    from complaints.models import Complaint
    from indicators.dashboards.cache import cached
    from qualipref.lib import data_version

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6395/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    settings.QUALIPREF_DASHBOARD_CACHE_SECONDS = 60

    assert data_version.current() != data_version.current()  # no version: nothing cached is ever read
    data_version.bump()
    builds = []
    assert cached("board", 1, build=lambda: builds.append(1) or "tableau") == "tableau"
    assert cached("board", 1, build=lambda: builds.append(1) or "tableau") == "tableau"
    assert builds == [1, 1]
    for _ in range(8):  # more than the public form's 5 an hour: the limit cannot be counted, the form accepts
        response = client.post(reverse("public_complaint_form"), public_form(world))
        assert response.status_code == 302
    assert Complaint.objects.count() == 8


def test_each_stale_sweep_reports_under_its_own_name():
    """sweep_stale() keys its counts by the function's name: two sweeps of one name would hide one's count (the
    reviews' PDFs once reported over the dashboards')."""
    names = [path.rsplit(".", 1)[-1] for path in outbox.STALE_SWEEPS]
    assert len(names) == len(set(names)), names
