from django.urls import path

from engagements.views import meetings as views

urlpatterns = [
    path("reunions/", views.meeting_list, name="meeting_list"),
    path("reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("reunions/<int:pk>/decisions/nouvelle/", views.meeting_decision_add, name="meeting_decision_add"),
    path(
        "reunions/<int:pk>/decisions/<int:decision_pk>/action/",
        views.meeting_decision_action,
        name="meeting_decision_action",
    ),
    path("formations/", views.training_list, name="training_list"),
    path("formations/nouvelle/", views.training_create, name="training_create"),
    path("formations/<int:pk>/modifier/", views.training_edit, name="training_edit"),
    path(
        "formations/agents-non-formes/",
        views.training_agents_not_trained,
        name="training_agents_not_trained",
    ),
]
