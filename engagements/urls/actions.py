"""Action plan pages, under /qualite/ (names start with ``action_``)."""

from django.urls import path

from engagements.views import action_detail, action_plans
from engagements.views import actions as views

urlpatterns = [
    path("actions/", views.action_list, name="action_list"),
    path("actions/nouvelle/", action_detail.action_create, name="action_create"),
    path("actions/export.csv", views.action_export_csv, name="action_export_csv"),
    path("actions/export.xlsx", views.action_export_xlsx, name="action_export_xlsx"),
    path("actions/statut-groupe/", views.action_bulk_status, name="action_bulk_status"),
    path("actions/<int:pk>/", action_detail.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", action_detail.action_edit, name="action_edit"),
    path("actions/<int:pk>/statut/", action_detail.action_status, name="action_status"),
    path("actions/<int:pk>/en-ligne/", views.action_inline_update, name="action_inline_update"),
    path("actions/<int:pk>/annuler-statut/", views.action_status_undo, name="action_status_undo"),
    path("actions/<int:pk>/commentaires/", action_detail.action_comment_create, name="action_comment_create"),
    path("actions/<int:pk>/justificatifs/", action_detail.action_evidence_create, name="action_evidence_create"),
    path(
        "actions/<int:pk>/justificatifs/<int:evidence_pk>/",
        action_detail.action_evidence_download,
        name="action_evidence_download",
    ),
    path(
        "actions/<int:pk>/justificatifs/<int:evidence_pk>/retirer/",
        action_detail.action_evidence_delete,
        name="action_evidence_delete",
    ),
    path("plans-d-action/", action_plans.action_plan_list, name="action_plan_list"),
    path("plans-d-action/nouveau/", action_plans.action_plan_create, name="action_plan_create"),
    path("plans-d-action/<int:pk>/reprendre/", action_plans.action_plan_copy, name="action_plan_copy"),
]
