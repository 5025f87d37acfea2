from django.contrib import admin
from django.urls import include, path

from indicators.urls import landing_urlpatterns
from qualipref import views
from qualipref.lib.urls import page
from surveys.public_urls import questionnaire_urlpatterns, results_urlpatterns

urlpatterns = [
    page("", views.home),
    page("healthz", views.healthz),
    page("favicon.ico", views.favicon),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include(landing_urlpatterns)),
    path("territoire/", include("sites.urls")),
    path("qualite/", include("engagements.urls")),
    path("audits/", include("audits.urls")),
    path("reclamations/", include("complaints.urls")),
    path("e-reclamation/", include("complaints.public_urls")),
    path("courriers/", include("complaints.correspondence.urls")),
    path("courriels-recus/", include("complaints.inbound.urls")),
    path("enquetes/", include("surveys.urls")),
    path("enquete/", include(questionnaire_urlpatterns)),
    path("resultats-enquetes/", include(results_urlpatterns)),
    path("indicateurs/", include("indicators.urls")),
    path("programme/", include("planning.urls")),
    path("crise/", include("crisis.urls")),
    path("bilans/", include("reviews.urls")),
    path("affluence/", include("indicators.public_urls")),
    path("api/v1/", include("qualipref.api_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "qualipref.views.permission_denied"
handler404 = "qualipref.views.page_not_found"
handler500 = "qualipref.views.server_error"
