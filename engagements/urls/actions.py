"""Action plan pages, under /qualite/ (names start with ``action_``)."""

from engagements.views import action_detail, action_plans
from engagements.views import actions as views
from qualipref.lib.urls import page

urlpatterns = [
    page("actions/", views.action_list),
    page("actions/nouvelle/", action_detail.action_create),
    page("actions/export.csv", views.action_export_csv),
    page("actions/export.xlsx", views.action_export_xlsx),
    page("actions/statut-groupe/", views.action_bulk_status),
    page("actions/<int:pk>/", action_detail.action_detail),
    page("actions/<int:pk>/modifier/", action_detail.action_edit),
    page("actions/<int:pk>/statut/", action_detail.action_status),
    page("actions/<int:pk>/en-ligne/", views.action_inline_update),
    page("actions/<int:pk>/annuler-statut/", views.action_status_undo),
    page("actions/<int:pk>/commentaires/", action_detail.action_comment_create),
    page("actions/<int:pk>/justificatifs/", action_detail.action_evidence_create),
    page("actions/<int:pk>/justificatifs/<int:evidence_pk>/", action_detail.action_evidence_download),
    page("actions/<int:pk>/justificatifs/<int:evidence_pk>/retirer/", action_detail.action_evidence_delete),
    page("plans-d-action/", action_plans.action_plan_list),
    page("plans-d-action/nouveau/", action_plans.action_plan_create),
    page("plans-d-action/<int:pk>/reprendre/", action_plans.action_plan_copy),
]
