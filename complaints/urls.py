"""Pages of the register of complaints and suggestions, under /reclamations/ (names start with ``complaint_``
or ``reply_template_``)."""

from complaints import views
from qualipref.lib.urls import page

urlpatterns = [
    page("", views.complaint_list),
    page("nouvelle/", views.complaint_create),
    page("export.csv", views.complaint_export_csv),
    page("statistiques/", views.complaint_stats),
    page("<int:pk>/", views.complaint_detail),
    page("<int:pk>/modifier/", views.complaint_edit),
    page("<int:pk>/repondre/", views.complaint_answer),
    page("<int:pk>/attribuer/", views.complaint_reassign),
    page("<int:pk>/clore/", views.complaint_close),
    page("<int:pk>/lettre.pdf", views.complaint_letter_pdf),
    page("<int:pk>/renvoyer-la-reponse/", views.complaint_resend_reply),
    page("<int:pk>/action/", views.complaint_action_create),
    page("modeles-de-reponse/", views.reply_template_list),
    page("modeles-de-reponse/nouveau/", views.reply_template_create),
    page("modeles-de-reponse/<int:pk>/modifier/", views.reply_template_edit),
]
