"""Indicator pages, under /indicateurs/."""

from django.urls import re_path

from indicators.views import boards, dashboards, entry, footfall, landing
from indicators.views import dashboard_pdfs as pdfs
from qualipref.lib.urls import page

urlpatterns = [
    page("", boards.indicators_home),
    page("catalogue/", boards.indicator_catalogue),
    page("tableau-de-bord/prefectures/<int:pk>/", dashboards.dashboard_prefecture),
    page("tableau-de-bord/sites/<int:pk>/", dashboards.dashboard_site),
    # downloads of a dashboard: each table as CSV or XLSX (indicators.dashboards.tables), the whole as PDF
    re_path(
        r"^tableau-de-bord/national/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        dashboards.dashboard_national_export,
        name="dashboard_national_export",
    ),
    re_path(
        r"^tableau-de-bord/prefectures/(?P<pk>[0-9]+)/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        dashboards.dashboard_prefecture_export,
        name="dashboard_prefecture_export",
    ),
    re_path(
        r"^tableau-de-bord/sites/(?P<pk>[0-9]+)/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        dashboards.dashboard_site_export,
        name="dashboard_site_export",
    ),
    page("tableau-de-bord/national.pdf", pdfs.dashboard_national_pdf),
    # each dashboard's PDF is produced by the worker: asked for, its production followed, its stored file, « Relancer »
    page("tableau-de-bord/national/pdf/<int:pdf_pk>/", pdfs.dashboard_national_pdf_file),
    page("tableau-de-bord/national/pdf/<int:pdf_pk>/suivi/", pdfs.dashboard_national_pdf_status),
    page("tableau-de-bord/national/pdf/<int:pdf_pk>/relancer/", pdfs.dashboard_national_pdf_retry),
    page("tableau-de-bord/prefectures/<int:pk>.pdf", pdfs.dashboard_prefecture_pdf),
    page("tableau-de-bord/prefectures/<int:pk>/pdf/<int:pdf_pk>/", pdfs.dashboard_prefecture_pdf_file),
    page("tableau-de-bord/prefectures/<int:pk>/pdf/<int:pdf_pk>/suivi/", pdfs.dashboard_prefecture_pdf_status),
    page("tableau-de-bord/prefectures/<int:pk>/pdf/<int:pdf_pk>/relancer/", pdfs.dashboard_prefecture_pdf_retry),
    page("tableau-de-bord/sites/<int:pk>.pdf", pdfs.dashboard_site_pdf),
    page("tableau-de-bord/sites/<int:pk>/pdf/<int:pdf_pk>/", pdfs.dashboard_site_pdf_file),
    page("tableau-de-bord/sites/<int:pk>/pdf/<int:pdf_pk>/suivi/", pdfs.dashboard_site_pdf_status),
    page("tableau-de-bord/sites/<int:pk>/pdf/<int:pdf_pk>/relancer/", pdfs.dashboard_site_pdf_retry),
    page("national/", boards.indicators_national),
    page("prefectures/<int:pk>/", boards.indicators_prefecture),
    page("prefectures/<int:pk>/saisie/", entry.measurement_grid_prefecture),
    page("prefectures/<int:pk>/saisie/cellule/", entry.measurement_cell_prefecture),
    page("sites/<int:pk>/", boards.indicators_site),
    page("sites/<int:pk>/saisie/", entry.measurement_grid_site),
    page("sites/<int:pk>/saisie/cellule/", entry.measurement_cell_site),
    page("sites/<int:pk>/affluence/", footfall.footfall_heatmap),
    page("sites/<int:pk>/<slug:code>/", boards.indicator_site_detail),
    page("import/", entry.measurement_import),
    page("import/modele-<slug:format_key>.csv", entry.measurement_import_template),
    page("affluence/import/", footfall.footfall_import),
    page("affluence/import/modele.csv", footfall.footfall_import_template),
]

# The landing page of every signed-in user: included under /comptes/ by qualipref/urls.py (its address since the
# first version, kept for bookmarks); it shows the dashboards, so it is the indicators' view.
landing_urlpatterns = [
    page("tableau-de-bord/", landing.dashboard),
]
