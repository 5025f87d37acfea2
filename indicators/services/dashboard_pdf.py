"""The national dashboard's PDF, produced by the Celery worker rather than in the web request (WeasyPrint takes
about 2 s and 26 to 38 MiB that a web worker never gives back).

- ``current(by)``: the production of the dashboard as the data stands (same data version, same day), or None; the
  dashboard page shows it (progress, download link, failure with « Relancer »).
- ``pdf_request(by)``: that production, done and stored, is given back as is (no new production); one pending or
  running is returned too; otherwise a pending row whose task (``indicators.tasks.produce_dashboard_pdf``) is
  recorded in the outbox in the same transaction (qualipref.production, shared with the audit reports).
- ``pdf_produce(pk)``: the task's body. The worker reads the data version before building the dashboard and writes
  it on the row: the file shows data at least as recent as the version it is stored under.
- ``sweep_stale_pdfs``: productions left pending or running are sent again, then failed (qualipref.outbox).
- Each data version asked for makes a file: once a production is stored, the finished ones older than
  ``KEEP_DAYS`` are deleted with their files (``purge_superseded``); a link already shown keeps working meanwhile.

Who may see the dashboard may ask for its PDF and download it (``access.can_view_national_dashboard``).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import access
from indicators.dashboards import national as national_dashboard
from indicators.models import DashboardPdf
from qualipref import production
from qualipref.lib import data_version, pdf

TEMPLATE = "indicators/dashboards/pdf.html"
PRODUCE_TASK = "indicators.tasks.produce_dashboard_pdf"
NATIONAL = DashboardPdf.Scope.NATIONAL
KEEP_DAYS = 2


def require_reader(by):
    if not access.can_view_national_dashboard(by):
        raise PermissionDenied("Le tableau de bord national est réservé aux administrateurs nationaux.")


def _of_today():
    return DashboardPdf.objects.filter(scope=NATIONAL, day=timezone.localdate())


def current():
    """The latest production for the data as it stands (any state), or None. One query (plus the cache's read of
    the data version)."""
    return _of_today().filter(data_version=data_version.current()).order_by("-pk").first()


def pdf_request(*, by) -> DashboardPdf:
    """The stored PDF of the data as it stands, or the production pending or running, or a new one."""
    require_reader(by)
    version = data_version.current()
    done = _of_today().filter(data_version=version, status=DashboardPdf.Status.DONE).order_by("-pk").first()
    if production.stored(done):
        return done
    # A production that has not started reads the data when it does; one running reads the version it stored.
    waiting = _of_today().filter(status=DashboardPdf.Status.PENDING) | _of_today().filter(
        status=DashboardPdf.Status.RUNNING, data_version=version
    )
    return production.request(
        waiting,
        create=lambda: DashboardPdf.objects.create(
            scope=NATIONAL,
            day=timezone.localdate(),
            data_version=version,
            requested_by=by if getattr(by, "pk", None) else None,
            step=production.WAITING_STEP,
        ),
        task=PRODUCE_TASK,
    )


def pdf_retry(*, by, item) -> DashboardPdf:
    """« Relancer » a failed production: a new request (or the one already under way)."""
    require_reader(by)
    if item.status != DashboardPdf.Status.FAILED:
        raise ValidationError("Seule une production en échec peut être relancée.")
    return pdf_request(by=by)


def render_national(*, today=None, on_progress=None):
    """(PDF bytes, pages) of the national dashboard of ``today``, rendered now."""
    dashboard = national_dashboard.build(today=today)
    html = render_to_string(
        TEMPLATE,
        {
            "d": dashboard,
            "title": "Tableau de bord national",
            "scope": "national",
            "generated_on": timezone.localtime(),
        },
    )
    return pdf.html_to_pdf(html, on_progress=on_progress)


def _render(item, on_progress):
    version = data_version.current()  # before the build: the file shows data at least as recent as this version
    content, pages = render_national(today=item.day, on_progress=on_progress)
    return content, pages, {"filename": item.filename, "data_version": version}


def pdf_produce(pk):
    """Produce a requested PDF (the Celery task's body): idempotent, a finished production is left as is."""
    item = production.produce(DashboardPdf.objects.all(), pk, render=_render, label="PDF du tableau de bord")
    if item is not None and item.status == DashboardPdf.Status.DONE:
        purge_superseded(keep=item)
    return item


def purge_superseded(*, keep):
    """Delete the finished productions created more than KEEP_DAYS days ago (but ``keep``) and their files. Returns
    the number deleted. Three queries and one storage call per file, however many rows."""
    old = DashboardPdf.objects.filter(
        status__in=(DashboardPdf.Status.DONE, DashboardPdf.Status.FAILED),
        created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS),
    ).exclude(pk=keep.pk)
    names = [name for name in old.values_list("file", flat=True) if name]
    deleted = old.delete()[0]
    storage = DashboardPdf._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
    return deleted


def sweep_stale_pdfs(*, before):
    """Productions pending or running without progress since ``before``: sent again, or failed (qualipref.outbox).
    Returns the number handled."""
    return production.sweep(
        DashboardPdf.objects.filter(updated_at__lt=before), task=PRODUCE_TASK, label="PDF du tableau de bord"
    )
