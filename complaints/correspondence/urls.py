"""Pages of correspondence tracking, under /courriers/ (names start with ``correspondence_``)."""

from complaints.correspondence import views
from qualipref.lib.urls import page

urlpatterns = [
    page("", views.correspondence_list),
    page("nouveau/", views.correspondence_create),
    page("import/", views.correspondence_import),
    page("import/<int:pk>/", views.correspondence_import_detail),
    page("import/<int:pk>/relancer/", views.correspondence_import_retry),
    page("import/<int:pk>/avancement/", views.correspondence_import_progress),
    page("delais/", views.correspondence_delays),
    page("<int:pk>/", views.correspondence_detail),
    page("<int:pk>/modifier/", views.correspondence_edit),
    page("<int:pk>/reponse/", views.correspondence_answer),
    page("<int:pk>/lettre.pdf", views.correspondence_letter_pdf),
    page("<int:pk>/renvoyer-la-reponse/", views.correspondence_resend_reply),
    page("<int:pk>/supprimer/", views.correspondence_delete),
]
