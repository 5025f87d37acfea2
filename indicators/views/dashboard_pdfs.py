"""The dashboards' PDFs (national, a prefecture's, a site's), produced by the Celery worker
(indicators.services.dashboard_pdf). Each dashboard has the same four views (``pk`` in the URLs of a prefecture's or
a site's): ask for its PDF (POST; GET: the stored one of the data as it stands, else back to the dashboard), follow
a production, download its file, « Relancer ». A production is found among those of the dashboard the user may see
(a prefecture's: the user's own): another's is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from indicators.models import DashboardPdf
from indicators.services import dashboard_pdf
from qualipref import production
from qualipref.views import file_response

from .boards import crumbs, visible_prefecture, visible_site
from .dashboards import national_crumb

PDF_ANCHOR = "#pdf-du-tableau-de-bord"


def _pdf_target(request, scope, pk):
    """(target, dashboard URL) of the dashboard whose PDF is asked for, if the user may see it."""
    if scope == DashboardPdf.Scope.NATIONAL:
        target = dashboard_pdf.NATIONAL_TARGET
        dashboard_pdf.require_reader(request.user, target)
        return target, reverse("dashboard")
    if scope == DashboardPdf.Scope.PREFECTURE:
        prefecture = visible_prefecture(request, pk)
        return dashboard_pdf.of_prefecture(prefecture, request.user), reverse("dashboard_prefecture", args=[pk])
    return dashboard_pdf.of_site(visible_site(request, pk)), reverse("dashboard_site", args=[pk])


def _production(request, scope, pk, pdf_pk, **filters):
    """(production, target, dashboard URL): a production of the dashboard the user may see, else a 404."""
    target, dashboard_url = _pdf_target(request, scope, pk)
    item = get_object_or_404(DashboardPdf, pk=pdf_pk, **target.fields, **filters)
    return _loaded(item, target), target, dashboard_url


def _pdf_answer(request, item):
    """After a request or a « Relancer »: the progress block (htmx), else the production's status page."""
    if request.htmx:
        return render(request, "indicators/dashboards/_pdf_production.html", {"pdf": item})
    return redirect(item.status_url)


def _pdf_request(request, scope, pk=None):
    """POST: ask for the PDF (the stored one of the same data, the production under way, or a new one handed to the
    worker). GET: the stored PDF of the data as it stands, else the dashboard, where it is asked for."""
    target, dashboard_url = _pdf_target(request, scope, pk)
    if request.method == "POST":
        item = dashboard_pdf.pdf_request(by=request.user, target=target)
        if item.status == DashboardPdf.Status.DONE and not request.htmx:
            return redirect(item.file_url)
        return _pdf_answer(request, item)
    item = dashboard_pdf.current(target)
    if item is not None and item.status == DashboardPdf.Status.DONE and production.stored(item):
        return file_response(item.file, _loaded(item, target).filename, content_type="application/pdf")
    return redirect(dashboard_url + PDF_ANCHOR)


def _loaded(item, target):
    """``item`` with its prefecture, site and reader: the target's, already read (its file name, « Relancer »)."""
    item.prefecture, item.site, item.reader = target.prefecture, target.site, target.reader
    return item


def _pdf_status(request, scope, pdf_pk, pk=None):
    """The progress of a production: the block the dashboard polls (htmx), or a page of its own (without
    JavaScript: it is reloaded by the user, « Actualiser », never by itself)."""
    item, target, dashboard_url = _production(request, scope, pk, pdf_pk)
    if request.htmx:
        return render(request, "indicators/dashboards/_pdf_production.html", {"pdf": item})
    whose = target.prefecture or target.site
    title = f"PDF du tableau de bord – {whose.name}" if whose else "PDF du tableau de bord national"
    return render(
        request,
        "indicators/dashboards/pdf_status.html",
        {
            "title": title,
            "pdf": item,
            "dashboard_url": dashboard_url,
            "breadcrumb_data": crumbs(title, national_crumb(request.user), whose and (whose.name, dashboard_url)),
        },
    )


def _pdf_file(request, scope, pdf_pk, pk=None):
    """A stored PDF, byte for byte as the worker produced it (never served from /media)."""
    item = _production(request, scope, pk, pdf_pk, status=DashboardPdf.Status.DONE)[0]
    return file_response(item.file, item.filename, content_type="application/pdf")


def _pdf_retry(request, scope, pdf_pk, pk=None):
    """« Relancer » a failed production (a new request; the failure stays recorded)."""
    item = _production(request, scope, pk, pdf_pk)[0]
    try:
        item = dashboard_pdf.pdf_retry(by=request.user, item=item)
    except ValidationError as error:  # not failed (any more): its state as it is
        if not request.htmx:
            messages.error(request, " ".join(error.messages))
        return _pdf_answer(request, item)
    if not request.htmx:
        messages.info(request, "La production du PDF est relancée : suivez son avancement ci-dessous.")
    return _pdf_answer(request, item)


def _pdf_views(scope):
    """The views of the PDF of the dashboards of ``scope`` (their URL names: dashboard_<scope>_pdf[_status|_file|
    _retry])."""

    def ask(request, **kwargs):
        return _pdf_request(request, scope, **kwargs)

    def status(request, **kwargs):
        return _pdf_status(request, scope, **kwargs)

    def file(request, **kwargs):
        return _pdf_file(request, scope, **kwargs)

    def retry(request, **kwargs):
        return _pdf_retry(request, scope, **kwargs)

    views = (
        ("", require_http_methods(["GET", "POST"])(ask)),
        ("_status", require_GET(status)),
        ("_file", require_GET(file)),
        ("_retry", require_http_methods(["POST"])(retry)),
    )
    for suffix, view in views:
        view.__name__ = view.__qualname__ = f"dashboard_{scope}_pdf{suffix}"  # its URL's name (qualipref.lib.urls.page)
    return [view for _, view in views]


(
    dashboard_national_pdf,
    dashboard_national_pdf_status,
    dashboard_national_pdf_file,
    dashboard_national_pdf_retry,
) = _pdf_views(DashboardPdf.Scope.NATIONAL)
(
    dashboard_prefecture_pdf,
    dashboard_prefecture_pdf_status,
    dashboard_prefecture_pdf_file,
    dashboard_prefecture_pdf_retry,
) = _pdf_views(DashboardPdf.Scope.PREFECTURE)
(
    dashboard_site_pdf,
    dashboard_site_pdf_status,
    dashboard_site_pdf_file,
    dashboard_site_pdf_retry,
) = _pdf_views(DashboardPdf.Scope.SITE)
