"""The dashboards' PDFs (national, a prefecture's, a site's), produced by the Celery worker rather than in the web
request (WeasyPrint takes about 2 s and 26 to 38 MiB that a web worker never gives back).

Whose PDF is a ``Target``: ``NATIONAL_TARGET``, ``of_prefecture(prefecture, reader)`` (a prefecture's dashboard
shows the sites its reader may see: its PDF is the reader's) or ``of_site(site)`` (the same for every reader). Each
function below takes one (national by default).

- ``current(target)``: the production of the dashboard as the data stands (same data version, same day), or None;
  the dashboard page shows it (progress, download link, failure with « Relancer »).
- ``pdf_request(by, target)``: that production, done and stored, is given back as is (no new production); one pending or
  running is returned too; otherwise a pending row whose task (``indicators.tasks.produce_dashboard_pdf``) is
  recorded in the outbox in the same transaction (qualipref.production, shared with the audit reports).
- ``pdf_produce(pk)``: the task's body. The worker reads the data version before building the dashboard and writes
  it on the row: the file shows data at least as recent as the version it is stored under.
- ``sweep_stale_pdfs``: productions left pending or running are sent again, then failed (qualipref.outbox).
- Each data version asked for makes a file: once a production is stored, the finished ones older than
  ``KEEP_DAYS`` are deleted with their files (``purge_superseded``); a link already shown keeps working meanwhile.

Who may see the dashboard may ask for its PDF and download it (``require_reader``: the national dashboard's readers,
``access.can_view_national_dashboard``; a prefecture's or a site's: who sees it, ``for_user``, and a prefecture's
PDF is only its reader's).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import access
from indicators.dashboards import national as national_dashboard
from indicators.dashboards import prefecture as prefecture_dashboard
from indicators.dashboards import site as site_dashboard
from indicators.models import DashboardPdf
from qualipref import production
from qualipref.lib import data_version, pdf
from sites.models import Prefecture, Site

TEMPLATE = "indicators/dashboards/pdf.html"
PRODUCE_TASK = "indicators.tasks.produce_dashboard_pdf"
NATIONAL = DashboardPdf.Scope.NATIONAL
KEEP_DAYS = 2


@dataclass(frozen=True)
class Target:
    """Whose dashboard a PDF is of: its scope and its objects (DashboardPdf's fields, None where they do not
    apply)."""

    scope: str
    prefecture: Prefecture | None = None
    site: Site | None = None
    reader: object = None

    @property
    def fields(self):
        return {"scope": self.scope, "prefecture": self.prefecture, "site": self.site, "reader": self.reader}


NATIONAL_TARGET = Target(NATIONAL)


def of_prefecture(prefecture, reader):
    return Target(DashboardPdf.Scope.PREFECTURE, prefecture=prefecture, reader=reader)


def of_site(site):
    return Target(DashboardPdf.Scope.SITE, site=site)


def target_of(item):
    """The target of a production (its prefecture, site and reader read if they apply)."""
    return Target(item.scope, prefecture=item.prefecture, site=item.site, reader=item.reader)


def require_reader(by, target=NATIONAL_TARGET):
    """PermissionDenied unless ``by`` sees the dashboard of ``target`` (a prefecture's: as its reader)."""
    if target.scope == NATIONAL:
        if not access.can_view_national_dashboard(by):
            raise PermissionDenied("Le tableau de bord national est réservé aux administrateurs nationaux.")
        return
    if target.scope == DashboardPdf.Scope.PREFECTURE:
        allowed = target.reader == by and Prefecture.objects.for_user(by).filter(pk=target.prefecture.pk).exists()
    else:
        allowed = Site.objects.for_user(by).filter(pk=target.site.pk).exists()
    if not allowed:
        raise PermissionDenied("Ce tableau de bord n’est pas dans votre périmètre.")


def _of_today(target):
    return DashboardPdf.objects.filter(day=timezone.localdate(), **target.fields)


def current(target=NATIONAL_TARGET):
    """The latest production for the data as it stands (any state), or None. One query (plus the cache's read of
    the data version)."""
    return _of_today(target).filter(data_version=data_version.current()).order_by("-pk").first()


def pdf_request(*, by, target=NATIONAL_TARGET) -> DashboardPdf:
    """The stored PDF of the data as it stands, or the production pending or running, or a new one."""
    require_reader(by, target)
    version = data_version.current()
    done = _of_today(target).filter(data_version=version, status=DashboardPdf.Status.DONE).order_by("-pk").first()
    if production.stored(done):
        return done
    # A production that has not started reads the data when it does; one running reads the version it stored.
    waiting = _of_today(target).filter(status=DashboardPdf.Status.PENDING) | _of_today(target).filter(
        status=DashboardPdf.Status.RUNNING, data_version=version
    )
    return production.request(
        waiting,
        create=lambda: DashboardPdf.objects.create(
            day=timezone.localdate(),
            data_version=version,
            requested_by=by if getattr(by, "pk", None) else None,
            step=production.WAITING_STEP,
            **target.fields,
        ),
        task=PRODUCE_TASK,
    )


def pdf_retry(*, by, item) -> DashboardPdf:
    """« Relancer » a failed production: a new request (or the one already under way)."""
    target = target_of(item)
    require_reader(by, target)
    if item.status != DashboardPdf.Status.FAILED:
        raise ValidationError("Seule une production en échec peut être relancée.")
    return pdf_request(by=by, target=target)


def _render_dashboard(dashboard, title, scope, on_progress):
    context = {"d": dashboard, "title": title, "scope": scope, "generated_on": timezone.localtime()}
    return pdf.html_to_pdf(render_to_string(TEMPLATE, context), on_progress=on_progress)


def render_national(*, today=None, on_progress=None):
    """(PDF bytes, pages) of the national dashboard of ``today``, rendered now."""
    dashboard = national_dashboard.build(today=today)
    return _render_dashboard(dashboard, "Tableau de bord national", "national", on_progress)


def render_target(target, *, today=None, on_progress=None):
    """(PDF bytes, pages) of the dashboard of ``target`` of ``today``, rendered now."""
    if target.scope == NATIONAL:
        return render_national(today=today, on_progress=on_progress)
    if target.scope == DashboardPdf.Scope.PREFECTURE:
        dashboard = prefecture_dashboard.build(target.prefecture, target.reader, today=today)
        title = f"Tableau de bord – {target.prefecture.name}"
    else:
        dashboard = site_dashboard.build(target.site, today=today)
        title = f"Tableau de bord – {target.site.name}"
    return _render_dashboard(dashboard, title, target.scope, on_progress)


def _render(item, on_progress):
    version = data_version.current()  # before the build: the file shows data at least as recent as this version
    content, pages = render_target(target_of(item), today=item.day, on_progress=on_progress)
    return content, pages, {"filename": item.filename, "data_version": version}


def _productions():
    return DashboardPdf.objects.select_related("prefecture__department", "site__prefecture__department", "reader")


def pdf_produce(pk):
    """Produce a requested PDF (the Celery task's body): idempotent, a finished production is left as is."""
    item = production.produce(_productions(), pk, render=_render, label="PDF du tableau de bord")
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
