from django.urls import path

from accounts import views

urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
]
