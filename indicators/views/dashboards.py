"""The drill-down dashboards: a prefecture's (from the national one) and a site's (from its prefecture's).

The landing page of each role is ``indicators.views.landing`` (URL name ``dashboard``, the home of every user),
which builds the same dashboards. Prefectures and sites are fetched through ``for_user``: a foreign one is a 404.

Each dashboard is also downloaded: its tables as CSV or XLSX (one view per scope, the table and the format in the
URL: the dashboard's ``tables()``) and the whole dashboard as a PDF (produced by the Celery worker: its views are
indicators.views.dashboard_pdfs), with the same permissions as the page.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import access
from indicators.dashboards import national as national_dashboard
from indicators.dashboards import prefecture as prefecture_dashboard
from indicators.dashboards import site as site_dashboard
from indicators.dashboards import tables
from indicators.services import dashboard_pdf
from qualipref.lib import table_export

from .boards import crumbs, visible_prefecture, visible_site


def national_crumb(user):
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
            "dashboard_pdf": dashboard_pdf.current(dashboard_pdf.of_prefecture(prefecture, request.user)),
            "breadcrumb_data": crumbs(prefecture.name, national_crumb(request.user)),
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
            "dashboard_pdf": dashboard_pdf.current(dashboard_pdf.of_site(site)),
            "breadcrumb_data": crumbs(site.name, national_crumb(request.user), prefecture_link),
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
