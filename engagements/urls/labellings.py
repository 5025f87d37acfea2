from django.urls import path

from engagements.views import labellings as views

urlpatterns = [
    path("labellisation/", views.labelling_home, name="labelling_home"),
    path("labellisation/national/", views.labelling_overview, name="labelling_overview"),
    path(
        "labellisation/prefectures/<int:prefecture_pk>/",
        views.labelling_timeline,
        name="labelling_timeline",
    ),
    path(
        "labellisation/prefectures/<int:prefecture_pk>/nouveau-cycle/",
        views.labelling_start,
        name="labelling_start",
    ),
    path("labellisation/cycles/<int:pk>/etapes/<slug:step>/", views.labelling_transition, name="labelling_transition"),
    path(
        "labellisation/cycles/<int:pk>/changer-de-referentiel/",
        views.labelling_migrate,
        name="labelling_migrate",
    ),
    path("labellisation/justificatifs/<int:pk>/", views.labelling_evidence, name="labelling_evidence"),
]
