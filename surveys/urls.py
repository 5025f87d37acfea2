"""Survey pages of the staff, under /enquetes/ (names start with ``campaign_`` or ``questionnaire_``)."""

from qualipref.lib.urls import page
from surveys.views import campaigns, collect, questionnaires, results

urlpatterns = [
    page("", campaigns.campaign_list),
    page("nouvelle/", campaigns.campaign_create),
    page("questionnaires/", campaigns.questionnaire_list),
    page("questionnaires/nouvelle/", questionnaires.questionnaire_create),
    page("questionnaires/<int:pk>/", campaigns.questionnaire_detail),
    page("questionnaires/<int:pk>/modifier/", questionnaires.questionnaire_edit),
    page("questionnaires/<int:pk>/questions/<int:question_pk>/", questionnaires.questionnaire_question),
    page("questionnaires/<int:pk>/publier/", questionnaires.questionnaire_publish),
    page("questionnaires/<int:pk>/apercu/", questionnaires.questionnaire_preview),
    page("<int:pk>/", campaigns.campaign_detail),
    page("<int:pk>/modifier/", campaigns.campaign_edit),
    page("<int:pk>/statut/", campaigns.campaign_status),
    page("<int:pk>/saisie/", collect.campaign_entry),
    page("<int:pk>/import/", collect.campaign_import),
    page("<int:pk>/resultats-agreges/", collect.campaign_aggregated),
    page("<int:pk>/sites/<int:site_pk>/qr.<str:fmt>", collect.campaign_qr),
    page("<int:pk>/sites/<int:site_pk>/affiche/", collect.campaign_poster),
    page("<int:pk>/resultats/", results.campaign_results),
    page("<int:pk>/points/proposer/", results.campaign_highlights_propose),
    page("<int:pk>/points/nouveau/", results.campaign_highlight_add),
    page("<int:pk>/points/<int:highlight_pk>/", results.campaign_highlight_edit),
    page("<int:pk>/commentaires/", results.campaign_comments),
    page("<int:pk>/commentaires/<int:response_pk>/", results.campaign_comment_moderate),
    page("<int:pk>/publication/", results.campaign_publish),
    page("<int:pk>/action/", results.campaign_action_create),
]
