"""Transactional outbox: every task a write asks for is recorded in the write's transaction, then handed to the broker.

    from qualipref import outbox

    with transaction.atomic():
        report = AuditReport.objects.create(...)
        outbox.enqueue("audits.tasks.produce_audit_report", report.pk, key=outbox.key_of(report))

- ``enqueue`` writes an ``OutboxMessage`` row in the current transaction and publishes it when the transaction
  commits (one short attempt: a broker that is away costs the request milliseconds, and the row stays unsent).
  A rolled-back write leaves neither the row nor a message.
- ``relay`` (the periodic task ``qualipref.tasks.relay_outbox``, every minute, and ``manage.py relay_outbox``)
  publishes the unsent rows, oldest first, until the broker accepts them. Each row is locked while it is sent
  (``select_for_update(skip_locked=True)``: two relays never send one row) and marked sent in the same transaction.
  A row is sent again only if the database fails after the broker took it: every task fed by the outbox is
  idempotent (a second delivery finds its work item done, or waits for it and then finds it done).
- ``sweep_stale`` finds the work items left pending or running beyond ``WORK_STALE_MINUTES`` (each app's sweep in
  ``STALE_SWEEPS``): re-queued through the outbox, or marked failed with a French message after
  ``WORK_MAX_ATTEMPTS`` sends, which the page shows with a « Relancer » button.
- ``purge`` deletes the rows sent more than ``OUTBOX_PURGE_DAYS`` ago.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from qualipref.models import OutboxMessage

logger = logging.getLogger(__name__)

# The sweeps of the work items that a task produces (each: ``sweep(*, before) -> number of items handled``).
STALE_SWEEPS = (
    "audits.services.reports.sweep_stale_reports",
    "complaints.correspondence.imports.sweep_stale_imports",
    "complaints.deliveries.sweep_stale_deliveries",
    "indicators.services.compute.sweep_stale_runs",
    "indicators.services.dashboard_pdf.sweep_stale_pdfs",
    "reviews.services.sweep_stale_review_pdfs",
)
RELAY_BATCH = 500


def key_of(item):
    """The key of a work item in the outbox: ``app_label.Model:pk``."""
    return f"{item._meta.label}:{item.pk}"


def enqueue(task, *args, key="", once=False):
    """Record ``task(*args)`` (a task or its name; arguments JSON-serialisable) in the current transaction and
    publish it when the transaction commits. ``once``: not recorded again while the same task for the same key is
    still unsent (a burst of writes asking for one computation). Returns the row, or None when ``once`` skipped it."""
    name = task if isinstance(task, str) else task.name
    with transaction.atomic():
        if once and OutboxMessage.objects.filter(task=name, key=key, sent_at__isnull=True).exists():
            return None
        message = OutboxMessage.objects.create(task=name, args=list(args), key=key)
        transaction.on_commit(partial(publish, [message.pk]), robust=True)
    return message


def _app():
    from qualipref.celery import app

    return app


def publish(ids=None, *, limit=RELAY_BATCH):
    """Hand unsent rows to the broker: those of ``ids`` (after a commit), or the ``limit`` oldest (the relay).
    Stops at the first refusal (the broker is away: the next relay tries again). Returns the number sent."""
    app = _app()
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True).order_by("pk")
        rows = list(rows.filter(pk__in=ids) if ids is not None else rows[:limit])
        if not rows:
            return 0
        sent = []
        try:
            # max_retries=0: kombu would otherwise retry the connection for seconds (measured: 6 s per request with
            # Redis down; 8 ms with this). The worker's own connection keeps kombu's retries.
            with app.connection_for_write(transport_options={"max_retries": 0}, connect_timeout=1) as connection:
                for row in rows:
                    # retry=False: one attempt, not kombu's retries, which would hold the request.
                    # Task names are their import paths (shared_task); the web process has not imported them all.
                    import_string(row.task).apply_async(
                        args=row.args, task_id=f"outbox-{row.pk}", connection=connection, retry=False
                    )
                    sent.append(row.pk)
        except Exception as error:  # noqa: BLE001 - any refusal: the row stays unsent, the relay retries
            failed = rows[len(sent)]
            logger.warning(
                "Tâche %s (outbox %s) non remise au broker, elle le sera par le relais : %s",
                failed.task,
                failed.pk,
                error,
            )
            OutboxMessage.objects.filter(pk=failed.pk).update(
                attempts=F("attempts") + 1, last_error=f"{error.__class__.__name__}: {error}"[:2000]
            )
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
    return len(sent)


def relay():
    """Publish every unsent row, by batches, until none is left or the broker refuses one. Returns the number sent."""
    total = 0
    while True:
        sent = publish()
        total += sent
        if sent < RELAY_BATCH:
            return total


def purge():
    """Delete the rows sent more than OUTBOX_PURGE_DAYS ago. Returns the number deleted."""
    before = timezone.now() - timedelta(days=settings.QUALIPREF_OUTBOX_PURGE_DAYS)
    return OutboxMessage.objects.filter(sent_at__lt=before).delete()[0]


# --- work items left pending or running ----------------------------------------------------------------


def stale_before():
    return timezone.now() - timedelta(minutes=settings.QUALIPREF_WORK_STALE_MINUTES)


def waiting(key):
    """A message for this work item is recorded but not yet accepted by the broker: the relay will send it."""
    return OutboxMessage.objects.filter(key=key, sent_at__isnull=True).exists()


def sends(key):
    """How many times a task was recorded for this work item (its first request and its re-queues)."""
    return OutboxMessage.objects.filter(key=key).count()


def forget(key):
    """Forget the sends of a work item that a user starts again (« Relancer »): its attempts count from zero."""
    OutboxMessage.objects.filter(key=key, sent_at__isnull=False).delete()


def sweep_items(stale, *, task, label, failed, requeued, give_up=None, on_failed=None):
    """One app's sweep of its work items (``STALE_SWEEPS``): each item of ``stale`` (pending or running without
    progress, oldest first) whose task does not wait for the broker is, unless it moved meanwhile, marked failed
    (``failed(attempts)``: the fields written) after WORK_MAX_ATTEMPTS sends or when ``give_up(item)``, else pending
    again (``requeued``: the fields written) and ``task(item.pk)`` recorded again. ``label`` names the item in the
    log; ``on_failed(item)``, in the same transaction, tells of an item just failed. Returns the number handled."""
    handled = 0
    for item in stale:
        key = key_of(item)
        if waiting(key):
            continue
        attempts = sends(key)
        fail = attempts >= settings.QUALIPREF_WORK_MAX_ATTEMPTS or (give_up is not None and give_up(item))
        with transaction.atomic():
            rows = stale.model.objects.filter(pk=item.pk, status=item.status, updated_at=item.updated_at)
            if fail:
                changed = rows.update(**failed(attempts), updated_at=timezone.now())
                if changed and on_failed is not None:
                    on_failed(item)
            else:
                changed = rows.update(**requeued, updated_at=timezone.now())
                if changed:
                    enqueue(task, item.pk, key=key)
        if changed:
            logger.warning("%s %s en souffrance : %s", label, item.pk, "échec" if fail else "relancé")
        handled += changed
    return handled


def sweep_stale():
    """Re-queue or fail the work items left pending or running too long. Returns {sweep: items handled}."""
    before = stale_before()
    handled = {}
    for path in STALE_SWEEPS:
        try:
            sweep = import_string(path)
        except ImportError:
            continue
        handled[path.rsplit(".", 1)[-1]] = sweep(before=before)
    return handled


def recover():
    """The periodic job: stale work items first (their re-queues are then sent at once), the relay, the purge."""
    stale = sweep_stale()
    sent = relay()
    purged = purge()
    if sent or any(stale.values()):
        logger.info("Outbox : %s tâche(s) remise(s) au broker, éléments en souffrance traités : %s", sent, stale)
    return {"sent": sent, "stale": stale, "purged": purged}
