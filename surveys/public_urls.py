"""Public survey pages (no login): the questionnaire under /enquete/, the published results under
/resultats-enquetes/."""

from qualipref.lib.urls import page
from surveys.views import public

questionnaire_urlpatterns = [
    page("<int:pk>/<int:site_pk>/", public.survey_answer),
    page("<int:pk>/<int:site_pk>/merci/", public.survey_thanks),
    page("<int:pk>/<int:site_pk>/borne/<str:key>/", public.survey_kiosk),
]

results_urlpatterns = [
    page("<int:site_pk>/", public.survey_public_results),
    page("<int:site_pk>/ecran/", public.survey_public_screen),
    page("<int:site_pk>/affiche.pdf", public.survey_public_poster),
]
