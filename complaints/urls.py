"""Pages of the register of complaints and suggestions, under /reclamations/ (names start with ``complaint_``
or ``reply_template_``)."""

from django.urls import path

from complaints import views

urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("nouvelle/", views.complaint_create, name="complaint_create"),
    path("export.csv", views.complaint_export_csv, name="complaint_export_csv"),
    path("statistiques/", views.complaint_stats, name="complaint_stats"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/modifier/", views.complaint_edit, name="complaint_edit"),
    path("<int:pk>/repondre/", views.complaint_answer, name="complaint_answer"),
    path("<int:pk>/attribuer/", views.complaint_reassign, name="complaint_reassign"),
    path("<int:pk>/clore/", views.complaint_close, name="complaint_close"),
    path("<int:pk>/action/", views.complaint_action_create, name="complaint_action_create"),
    path("modeles-de-reponse/", views.reply_template_list, name="reply_template_list"),
    path("modeles-de-reponse/nouveau/", views.reply_template_create, name="reply_template_create"),
    path("modeles-de-reponse/<int:pk>/modifier/", views.reply_template_edit, name="reply_template_edit"),
]
