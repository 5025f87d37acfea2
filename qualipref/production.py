"""PDFs produced by a Celery task (``qualipref.lib.models.ProducedPdf``: an audit report, a dashboard's PDF).

- ``request(queryset, create, task)``: a production already pending or running among ``queryset`` is returned,
  otherwise ``create()`` makes the pending row and ``task(row.pk)`` is recorded in the outbox (qualipref.outbox) in
  the same transaction: a broker that is away delays it, never loses it.
- ``produce(model, pk, render=..., filename=...)``: the task's body, idempotent. The row goes running, WeasyPrint's
  steps are written on it as its progress (in French), then the file is stored with its SHA-256 and its pages; a
  failure is written on it with its reason (the page shows it and offers « Relancer »).
- ``sweep(queryset, task=..., label=..., before=...)``: productions pending or running without progress since
  ``before`` are sent again, or failed after WORK_MAX_ATTEMPTS sends (outbox.sweep_items).
- ``store(row, content, pages=..., filename=...)``: a PDF rendered now, stored on its row.
"""

import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qualipref import outbox

logger = logging.getLogger(__name__)

WAITING_STEP = "En attente d'un worker"
STALE_FAILURE = (
    "La production n'a pas abouti après {attempts} tentatives (service de production des rapports indisponible) : "
    "relancez-la ou réessayez plus tard."
)
TIME_LIMIT_FAILURE = "La production a dépassé la durée maximale d'une tâche (CELERY_TASK_SOFT_TIME_LIMIT)."

# WeasyPrint's steps (qualipref.lib.pdf.html_to_pdf's progress), as the page shows them.
STEPS_FR = {
    "Fetching and parsing HTML": "Lecture du document",
    "Fetching and parsing CSS": "Lecture des styles",
    "Applying CSS": "Application des styles",
    "Creating formatting structure": "Structure du document",
    "Creating layout": "Mise en page",
    "Creating PDF": "Écriture du PDF",
    "Adding PDF metadata": "Métadonnées du PDF",
}


def store(row, content, *, pages, filename, **fields):
    """Store ``content`` (the PDF's bytes) on ``row`` as done; ``fields``: the concrete model's own values."""
    row.file.save(filename, ContentFile(content), save=False)
    row.size = len(content)
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.pages = pages
    row.generated_at = timezone.now()
    row.status = row.Status.DONE
    row.progress = 100
    row.step = "Document produit"
    row.error = ""
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def stored(row):
    """Whether a done row's file is still in the storage."""
    return row is not None and bool(row.file) and row.file.storage.exists(row.file.name)


def request(queryset, *, create, task):
    """The production already pending or running among ``queryset``, or a new one (``create()``: the pending row,
    saved) whose ``task`` is recorded in the outbox in the same transaction."""
    model = queryset.model
    running = queryset.filter(status__in=(model.Status.PENDING, model.Status.RUNNING)).order_by("-pk").first()
    if running is not None:
        return running
    with transaction.atomic():
        row = create()
        outbox.enqueue(task, row.pk, key=outbox.key_of(row))
    return row


def _progress_writer(rows):
    def progress(percent, message):
        parts = message.split(" - ")  # "Step 5 - Creating layout - Page 3"
        step = STEPS_FR.get(parts[1], parts[1]) if len(parts) > 1 else message
        if len(parts) > 2 and parts[2].startswith("Page "):
            step = f"{step} (page {parts[2][5:]})"
        rows.update(progress=percent, step=step[:120], updated_at=timezone.now())

    return progress


def produce(queryset, pk, *, render, label):
    """The task's body for the row ``pk`` of ``queryset``: idempotent, a row already done or failed is left as is
    (« Relancer » makes a new request). ``render(row, on_progress)`` returns ``(content, pages, fields)``: the PDF's
    bytes, its pages and the keyword arguments of ``store`` (``filename`` and the model's own values)."""
    model = queryset.model
    row = queryset.filter(pk=pk).first()
    if row is None or row.is_finished:
        return row
    rows = model.objects.filter(pk=row.pk)
    rows.update(status=model.Status.RUNNING, progress=2, step="Rassemblement des données", updated_at=timezone.now())
    try:
        content, pages, fields = render(row, _progress_writer(rows))
    except Exception as error:  # noqa: BLE001 - the failure is shown on the page, with its reason
        logger.exception("Échec de la production : %s %s", label, row.pk)
        if isinstance(error, SoftTimeLimitExceeded):
            error = TIME_LIMIT_FAILURE
        rows.update(status=model.Status.FAILED, step="Échec", error=str(error)[:2000], updated_at=timezone.now())
        row.refresh_from_db()
        return row
    with transaction.atomic():
        # Two deliveries of one message (a worker lost, then the message restored) that ran at once: the first to
        # finish stores the document, the second leaves it as is.
        row = model.objects.select_for_update().get(pk=row.pk)
        if row.status == model.Status.DONE:
            return row
        return store(row, content, pages=pages, **fields)


def sweep(stale, *, task, label):
    """Productions of ``stale`` (pending or running without progress: the caller's filter) sent again through the
    outbox, or failed with a French message after WORK_MAX_ATTEMPTS sends. Returns the number handled."""
    model = stale.model
    return outbox.sweep_items(
        stale.filter(status__in=(model.Status.PENDING, model.Status.RUNNING)).order_by("pk"),
        task=task,
        label=label,
        failed=lambda attempts: {
            "status": model.Status.FAILED,
            "step": "Échec",
            "error": STALE_FAILURE.format(attempts=attempts),
        },
        requeued={"status": model.Status.PENDING, "progress": 0, "step": WAITING_STEP},
    )
