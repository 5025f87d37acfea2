"""The triage of the e-mails received, under /courriels-recus/ (names start with ``inbound_``)."""

from complaints.inbound import views
from qualipref.lib.urls import page

urlpatterns = [
    page("", views.inbound_list),
    page("<int:pk>/enregistrer/", views.inbound_file),
    page("<int:pk>/ecarter/", views.inbound_discard),
    page("pieces-jointes/<int:pk>/", views.inbound_attachment),
]
