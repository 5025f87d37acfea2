"""The drill-down dashboards: a prefecture's (from the national one) and a site's (from its prefecture's).

The landing page of each role is ``indicators.views.landing`` (URL name ``dashboard``, the home of every user),
which builds the same dashboards. Prefectures and sites are fetched through ``for_user``: a foreign one is a 404.

Each dashboard is also downloaded: its tables as CSV or XLSX (one view per scope, the table and the format in the
URL: the dashboard's ``tables()``) and the whole dashboard as a PDF, with the same permissions as the page. The
national PDF is produced by the Celery worker (indicators.services.dashboard_pdf): the page asks for it (POST), follows
its progress (htmx; without JavaScript, its status page) and offers the stored file; a prefecture's or a site's PDF
is still rendered in the request.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from indicators.dashboards import national as national_dashboard
from indicators.dashboards import prefecture as prefecture_dashboard
from indicators.dashboards import site as site_dashboard
from indicators.dashboards import tables
from indicators.models import DashboardPdf
from indicators.services import dashboard_pdf
from qualipref import production
from qualipref.lib import pdf, table_export
from qualipref.views import file_response

from .boards import crumbs, visible_prefecture, visible_site


def _national_crumb(user):
    return ("Tableau de bord national", reverse("dashboard")) if access.is_national_admin(user) else None


@require_GET
def dashboard_prefecture(request, pk):
    prefecture = visible_prefecture(request, pk)
    return render(
        request,
        "indicators/dashboards/prefecture.html",
        {
            "title": f"Tableau de bord – {prefecture.name}",
            "prefecture": prefecture,
            "body": prefecture_dashboard.body_html(prefecture, request.user),
            "breadcrumb_data": crumbs(prefecture.name, _national_crumb(request.user)),
        },
    )


@require_GET
def dashboard_site(request, pk):
    site = visible_site(request, pk)
    prefecture_link = None
    if access.can_view_prefecture(request.user, site.prefecture):
        prefecture_link = (site.prefecture.name, reverse("dashboard_prefecture", kwargs={"pk": site.prefecture_id}))
    return render(
        request,
        "indicators/dashboards/site.html",
        {
            "title": f"Tableau de bord – {site.name}",
            "site": site,
            "body": site_dashboard.body_html(site),
            "breadcrumb_data": crumbs(site.name, _national_crumb(request.user), prefecture_link),
        },
    )


# --- downloads ---------------------------------------------------------------------------------------------------


def _national(request):
    if not access.can_view_national_dashboard(request.user):
        raise PermissionDenied("Le tableau de bord national est réservé aux administrateurs nationaux.")
    return national_dashboard.build()


def _table_download(dashboard, table, fmt):
    builder = dashboard.tables().get(table)
    if builder is None:
        raise Http404("Ce tableau n’existe pas sur ce tableau de bord.")
    return table_export.response(builder(), fmt, tables.file_stem(dashboard, table))


def _pdf_download(dashboard, title, scope):
    content = pdf.render(
        "indicators/dashboards/pdf.html",
        {"d": dashboard, "title": title, "scope": scope, "generated_on": timezone.localtime()},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{tables.file_stem(dashboard)}.pdf"'
    return response


@require_GET
def dashboard_national_export(request, table, fmt):
    return _table_download(_national(request), table, fmt)


@require_GET
def dashboard_prefecture_export(request, pk, table, fmt):
    prefecture = visible_prefecture(request, pk)
    return _table_download(prefecture_dashboard.build(prefecture, request.user), table, fmt)


@require_GET
def dashboard_site_export(request, pk, table, fmt):
    return _table_download(site_dashboard.build(visible_site(request, pk)), table, fmt)


# --- the national PDF, produced by the worker ------------------------------------------------------------------

PDF_ANCHOR = "#pdf-du-tableau-de-bord"


def _national_pdf(request, pdf_pk, **filters):
    dashboard_pdf.require_reader(request.user)
    return get_object_or_404(DashboardPdf, pk=pdf_pk, **filters)


def _pdf_answer(request, item):
    """After a request or a « Relancer »: the progress block (htmx), else the production's status page."""
    if request.htmx:
        return render(request, "indicators/dashboards/_pdf_production.html", {"pdf": item})
    return redirect("dashboard_national_pdf_status", pdf_pk=item.pk)


@require_http_methods(["GET", "POST"])
def dashboard_national_pdf(request):
    """POST: ask for the PDF (the stored one of the same data, the production under way, or a new one handed to the
    worker). GET: the stored PDF of the data as it stands, else the dashboard, where it is asked for."""
    if request.method == "POST":
        item = dashboard_pdf.pdf_request(by=request.user)
        if item.status == DashboardPdf.Status.DONE and not request.htmx:
            return redirect("dashboard_national_pdf_file", pdf_pk=item.pk)
        return _pdf_answer(request, item)
    dashboard_pdf.require_reader(request.user)
    item = dashboard_pdf.current()
    if item is not None and item.status == DashboardPdf.Status.DONE and production.stored(item):
        return file_response(item.file, item.filename, content_type="application/pdf")
    return redirect(reverse("dashboard") + PDF_ANCHOR)


@require_GET
def dashboard_national_pdf_status(request, pdf_pk):
    """The progress of a production: the block the dashboard polls (htmx), or a page of its own (without
    JavaScript: it is reloaded by the user, « Actualiser », never by itself)."""
    item = _national_pdf(request, pdf_pk)
    if request.htmx:
        return render(request, "indicators/dashboards/_pdf_production.html", {"pdf": item})
    return render(
        request,
        "indicators/dashboards/pdf_status.html",
        {
            "title": "PDF du tableau de bord national",
            "pdf": item,
            "breadcrumb_data": crumbs("PDF du tableau de bord national", _national_crumb(request.user)),
        },
    )


@require_GET
def dashboard_national_pdf_file(request, pdf_pk):
    """A stored PDF, byte for byte as the worker produced it (never served from /media)."""
    item = _national_pdf(request, pdf_pk, status=DashboardPdf.Status.DONE)
    return file_response(item.file, item.filename, content_type="application/pdf")


@require_http_methods(["POST"])
def dashboard_national_pdf_retry(request, pdf_pk):
    """« Relancer » a failed production (a new request; the failure stays recorded)."""
    item = _national_pdf(request, pdf_pk)
    try:
        item = dashboard_pdf.pdf_retry(by=request.user, item=item)
    except ValidationError as error:  # not failed (any more): its state as it is
        if not request.htmx:
            messages.error(request, " ".join(error.messages))
        return _pdf_answer(request, item)
    if not request.htmx:
        messages.info(request, "La production du PDF est relancée : suivez son avancement ci-dessous.")
    return _pdf_answer(request, item)


@require_GET
def dashboard_prefecture_pdf(request, pk):
    prefecture = visible_prefecture(request, pk)
    dashboard = prefecture_dashboard.build(prefecture, request.user)
    return _pdf_download(dashboard, f"Tableau de bord – {prefecture.name}", "prefecture")


@require_GET
def dashboard_site_pdf(request, pk):
    site = visible_site(request, pk)
    return _pdf_download(site_dashboard.build(site), f"Tableau de bord – {site.name}", "site")
