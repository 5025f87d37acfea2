"""Indicator pages, under /indicateurs/."""

from django.urls import path

from indicators.views import boards, dashboards, entry, footfall

urlpatterns = [
    path("", boards.indicators_home, name="indicators_home"),
    path("catalogue/", boards.indicator_catalogue, name="indicator_catalogue"),
    path("tableau-de-bord/prefectures/<int:pk>/", dashboards.dashboard_prefecture, name="dashboard_prefecture"),
    path("tableau-de-bord/sites/<int:pk>/", dashboards.dashboard_site, name="dashboard_site"),
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
