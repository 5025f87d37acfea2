"""Pages of correspondence tracking, under /courriers/ (names start with ``correspondence_``)."""

from django.urls import path

from complaints.correspondence import views

urlpatterns = [
    path("", views.correspondence_list, name="correspondence_list"),
    path("nouveau/", views.correspondence_create, name="correspondence_create"),
    path("import/", views.correspondence_import, name="correspondence_import"),
    path("import/<int:pk>/", views.correspondence_import_detail, name="correspondence_import_detail"),
    path("import/<int:pk>/relancer/", views.correspondence_import_retry, name="correspondence_import_retry"),
    path("import/<int:pk>/avancement/", views.correspondence_import_progress, name="correspondence_import_progress"),
    path("delais/", views.correspondence_delays, name="correspondence_delays"),
    path("<int:pk>/", views.correspondence_detail, name="correspondence_detail"),
    path("<int:pk>/modifier/", views.correspondence_edit, name="correspondence_edit"),
    path("<int:pk>/reponse/", views.correspondence_answer, name="correspondence_answer"),
    path("<int:pk>/supprimer/", views.correspondence_delete, name="correspondence_delete"),
]
