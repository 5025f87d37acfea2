from engagements.views import labellings as views
from qualipref.lib.urls import page

urlpatterns = [
    page("labellisation/", views.labelling_home),
    page("labellisation/national/", views.labelling_overview),
    page("labellisation/prefectures/<int:prefecture_pk>/", views.labelling_timeline),
    page("labellisation/prefectures/<int:prefecture_pk>/nouveau-cycle/", views.labelling_start),
    page("labellisation/cycles/<int:pk>/etapes/<slug:step>/", views.labelling_transition),
    page("labellisation/cycles/<int:pk>/changer-de-referentiel/", views.labelling_migrate),
    page("labellisation/justificatifs/<int:pk>/", views.labelling_evidence),
]
