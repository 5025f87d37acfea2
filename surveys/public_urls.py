"""Public survey pages (no login): the questionnaire under /enquete/, the published results under
/resultats-enquetes/."""

from django.urls import path

from surveys.views import public

questionnaire_urlpatterns = [
    path("<int:pk>/<int:site_pk>/", public.survey_answer, name="survey_answer"),
    path("<int:pk>/<int:site_pk>/merci/", public.survey_thanks, name="survey_thanks"),
    path("<int:pk>/<int:site_pk>/borne/<str:key>/", public.survey_kiosk, name="survey_kiosk"),
]

results_urlpatterns = [
    path("<int:site_pk>/", public.survey_public_results, name="survey_public_results"),
    path("<int:site_pk>/ecran/", public.survey_public_screen, name="survey_public_screen"),
    path("<int:site_pk>/affiche.pdf", public.survey_public_poster, name="survey_public_poster"),
]
