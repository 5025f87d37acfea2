from engagements.views import meetings as views
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
    page("formations/agents-non-formes/", views.training_agents_not_trained),
]
