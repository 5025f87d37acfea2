"""The public e-réclamation form, under /e-reclamation/ (no login)."""

from django.urls import path

from complaints import public_views

urlpatterns = [
    path("", public_views.public_complaint_form, name="public_complaint_form"),
    path("merci/", public_views.public_complaint_done, name="public_complaint_done"),
]
