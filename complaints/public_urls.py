"""The public e-réclamation form, under /e-reclamation/ (no login)."""

from complaints import public_views
from qualipref.lib.urls import page

urlpatterns = [
    page("", public_views.public_complaint_form),
    page("merci/", public_views.public_complaint_done),
    page("suivi/", public_views.public_complaint_track),
]
