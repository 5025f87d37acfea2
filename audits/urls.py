"""Audit pages, mounted at /audits/."""

from audits.views import audits, findings, grid, practices, reports
from qualipref.lib.urls import page

urlpatterns = [
    page("", audits.audit_list),
    page("nouveau/", audits.audit_create),
    page("comparer/", audits.audit_compare),
    page("bonnes-pratiques/", practices.good_practice_list),
    page("bonnes-pratiques/<int:pk>/retirer/", practices.good_practice_withdraw),
    page("<int:pk>/", audits.audit_detail),
    page("<int:pk>/modifier/", audits.audit_edit),
    page("<int:pk>/etape/<slug:step>/", audits.audit_transition),
    page("<int:pk>/decision/", audits.audit_decision),
    page("<int:pk>/grille/", grid.audit_grid),
    page("<int:pk>/grille/cellule/", grid.audit_grid_cell),
    page("<int:pk>/grille/reprendre/", grid.audit_grid_prefill),
    page("<int:pk>/grille/<int:cell_pk>/justificatif/", grid.assessment_evidence),
    page("<int:pk>/enquete-mystere/nouvelle/", grid.mystery_visit_create),
    page("<int:pk>/enquete-mystere/<int:visit_pk>/", grid.mystery_visit_edit),
    page("<int:pk>/enquete-mystere/reporter/", grid.mystery_feed),
    page("<int:pk>/constats/nouveau/", findings.finding_create),
    page("<int:pk>/rapport/", reports.audit_report),
    page("<int:pk>/rapports/<int:report_pk>/", reports.audit_report_file),
    page("<int:pk>/rapports/<int:report_pk>/suivi/", reports.audit_report_status),
    page("<int:pk>/rapports/<int:report_pk>/relancer/", reports.audit_report_retry),
    page("constats/<int:pk>/", findings.finding_detail),
    page("constats/<int:pk>/modifier/", findings.finding_edit),
    page("constats/<int:pk>/supprimer/", findings.finding_delete),
    page("constats/<int:pk>/reponse/", findings.finding_respond),
    page("constats/<int:pk>/action/", findings.finding_action_create),
    page("constats/<int:pk>/analyse/", findings.finding_analysis),
    page("constats/<int:pk>/levee/", findings.finding_close),
    page("constats/<int:pk>/levee/preuve/", findings.finding_effectiveness_evidence),
    page("constats/<int:pk>/bonne-pratique/", findings.finding_publish),
]
