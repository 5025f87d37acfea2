"""Audit pages, mounted at /audits/."""

from django.urls import path

from audits.views import audits, findings, grid, practices, reports

urlpatterns = [
    path("", audits.audit_list, name="audit_list"),
    path("nouveau/", audits.audit_create, name="audit_create"),
    path("comparer/", audits.audit_compare, name="audit_compare"),
    path("bonnes-pratiques/", practices.good_practice_list, name="good_practice_list"),
    path("bonnes-pratiques/<int:pk>/retirer/", practices.good_practice_withdraw, name="good_practice_withdraw"),
    path("<int:pk>/", audits.audit_detail, name="audit_detail"),
    path("<int:pk>/modifier/", audits.audit_edit, name="audit_edit"),
    path("<int:pk>/etape/<slug:step>/", audits.audit_transition, name="audit_transition"),
    path("<int:pk>/decision/", audits.audit_decision, name="audit_decision"),
    path("<int:pk>/grille/", grid.audit_grid, name="audit_grid"),
    path("<int:pk>/grille/cellule/", grid.audit_grid_cell, name="audit_grid_cell"),
    path("<int:pk>/grille/reprendre/", grid.audit_grid_prefill, name="audit_grid_prefill"),
    path("<int:pk>/grille/<int:cell_pk>/justificatif/", grid.assessment_evidence, name="assessment_evidence"),
    path("<int:pk>/enquete-mystere/nouvelle/", grid.mystery_visit_create, name="mystery_visit_create"),
    path("<int:pk>/enquete-mystere/<int:visit_pk>/", grid.mystery_visit_edit, name="mystery_visit_edit"),
    path("<int:pk>/enquete-mystere/reporter/", grid.mystery_feed, name="mystery_feed"),
    path("<int:pk>/constats/nouveau/", findings.finding_create, name="finding_create"),
    path("<int:pk>/rapport/", reports.audit_report, name="audit_report"),
    path("<int:pk>/rapports/<int:report_pk>/", reports.audit_report_file, name="audit_report_file"),
    path("<int:pk>/rapports/<int:report_pk>/suivi/", reports.audit_report_status, name="audit_report_status"),
    path("<int:pk>/rapports/<int:report_pk>/relancer/", reports.audit_report_retry, name="audit_report_retry"),
    path("constats/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("constats/<int:pk>/modifier/", findings.finding_edit, name="finding_edit"),
    path("constats/<int:pk>/supprimer/", findings.finding_delete, name="finding_delete"),
    path("constats/<int:pk>/reponse/", findings.finding_respond, name="finding_respond"),
    path("constats/<int:pk>/action/", findings.finding_action_create, name="finding_action_create"),
    path("constats/<int:pk>/levee/", findings.finding_close, name="finding_close"),
    path("constats/<int:pk>/bonne-pratique/", findings.finding_publish, name="finding_publish"),
]
