"""Survey pages of the staff, under /enquetes/ (names start with ``campaign_`` or ``questionnaire_``)."""

from django.urls import path

from surveys.views import campaigns, collect, results

urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("nouvelle/", campaigns.campaign_create, name="campaign_create"),
    path("questionnaires/", campaigns.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:pk>/", campaigns.questionnaire_detail, name="questionnaire_detail"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<int:pk>/modifier/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/statut/", campaigns.campaign_status, name="campaign_status"),
    path("<int:pk>/saisie/", collect.campaign_entry, name="campaign_entry"),
    path("<int:pk>/import/", collect.campaign_import, name="campaign_import"),
    path("<int:pk>/resultats-agreges/", collect.campaign_aggregated, name="campaign_aggregated"),
    path("<int:pk>/sites/<int:site_pk>/qr.<str:fmt>", collect.campaign_qr, name="campaign_qr"),
    path("<int:pk>/sites/<int:site_pk>/affiche/", collect.campaign_poster, name="campaign_poster"),
    path("<int:pk>/resultats/", results.campaign_results, name="campaign_results"),
    path("<int:pk>/points/proposer/", results.campaign_highlights_propose, name="campaign_highlights_propose"),
    path("<int:pk>/points/nouveau/", results.campaign_highlight_add, name="campaign_highlight_add"),
    path("<int:pk>/points/<int:highlight_pk>/", results.campaign_highlight_edit, name="campaign_highlight_edit"),
    path("<int:pk>/commentaires/", results.campaign_comments, name="campaign_comments"),
    path(
        "<int:pk>/commentaires/<int:response_pk>/",
        results.campaign_comment_moderate,
        name="campaign_comment_moderate",
    ),
    path("<int:pk>/publication/", results.campaign_publish, name="campaign_publish"),
    path("<int:pk>/action/", results.campaign_action_create, name="campaign_action_create"),
]
