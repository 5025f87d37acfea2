from engagements.views import meetings as views
from engagements.views import trainings
from qualipref.lib.urls import page

urlpatterns = [
    page("reunions/", views.meeting_list),
    page("reunions/nouvelle/", views.meeting_create),
    page("reunions/<int:pk>/", views.meeting_detail),
    page("reunions/<int:pk>/modifier/", views.meeting_edit),
    page("reunions/<int:pk>/decisions/nouvelle/", views.meeting_decision_add),
    page("reunions/<int:pk>/decisions/<int:decision_pk>/action/", views.meeting_decision_action),
    page("formations/", views.training_list),
    page("formations/nouvelle/", views.training_create),
    page("formations/<int:pk>/modifier/", views.training_edit),
    page("formations/agents-non-formes/", trainings.training_agents_not_trained),
    page("formations/plan/", trainings.training_session_list),
    page("formations/sessions/nouvelle/", trainings.training_session_create),
    page("formations/sessions/<int:pk>/", trainings.training_session_detail),
    page("formations/sessions/<int:pk>/modifier/", trainings.training_session_edit),
    page("formations/sessions/<int:pk>/inscrire/", trainings.training_session_enrol),
    page("formations/sessions/<int:pk>/inscriptions/<int:enrolment_pk>/annuler/", trainings.training_session_unenrol),
    page("formations/sessions/<int:pk>/presences/", trainings.training_session_attendance),
    page("formations/personnes/", trainings.trainee_list),
    page("formations/personnes/nouvelle/", trainings.trainee_create),
    page("formations/personnes/<int:pk>/modifier/", trainings.trainee_edit),
]
