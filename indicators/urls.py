"""Indicator pages, under /indicateurs/."""

from django.urls import path, re_path

from indicators.views import boards, dashboards, entry, footfall, landing

urlpatterns = [
    path("", boards.indicators_home, name="indicators_home"),
    path("catalogue/", boards.indicator_catalogue, name="indicator_catalogue"),
    path("tableau-de-bord/prefectures/<int:pk>/", dashboards.dashboard_prefecture, name="dashboard_prefecture"),
    path("tableau-de-bord/sites/<int:pk>/", dashboards.dashboard_site, name="dashboard_site"),
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
    path("tableau-de-bord/national.pdf", dashboards.dashboard_national_pdf, name="dashboard_national_pdf"),
    path(
        "tableau-de-bord/prefectures/<int:pk>.pdf", dashboards.dashboard_prefecture_pdf, name="dashboard_prefecture_pdf"
    ),
    path("tableau-de-bord/sites/<int:pk>.pdf", dashboards.dashboard_site_pdf, name="dashboard_site_pdf"),
    path("national/", boards.indicators_national, name="indicators_national"),
    path("prefectures/<int:pk>/", boards.indicators_prefecture, name="indicators_prefecture"),
    path("prefectures/<int:pk>/saisie/", entry.measurement_grid_prefecture, name="measurement_grid_prefecture"),
    path("prefectures/<int:pk>/saisie/cellule/", entry.measurement_cell_prefecture, name="measurement_cell_prefecture"),
    path("sites/<int:pk>/", boards.indicators_site, name="indicators_site"),
    path("sites/<int:pk>/saisie/", entry.measurement_grid_site, name="measurement_grid_site"),
    path("sites/<int:pk>/saisie/cellule/", entry.measurement_cell_site, name="measurement_cell_site"),
    path("sites/<int:pk>/affluence/", footfall.footfall_heatmap, name="footfall_heatmap"),
    path("sites/<int:pk>/<slug:code>/", boards.indicator_site_detail, name="indicator_site_detail"),
    path("import/", entry.measurement_import, name="measurement_import"),
    path("import/modele-<slug:format_key>.csv", entry.measurement_import_template, name="measurement_import_template"),
    path("affluence/import/", footfall.footfall_import, name="footfall_import"),
    path("affluence/import/modele.csv", footfall.footfall_import_template, name="footfall_import_template"),
]

# The landing page of every signed-in user: included under /comptes/ by qualipref/urls.py (its address since the
# first version, kept for bookmarks); it shows the dashboards, so it is the indicators' view.
landing_urlpatterns = [
    path("tableau-de-bord/", landing.dashboard, name="dashboard"),
]
