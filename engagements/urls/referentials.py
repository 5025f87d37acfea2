from django.urls import path

from engagements.views import referentials as views

urlpatterns = [
    path("referentiels/", views.referential_list, name="referential_list"),
    path("referentiels/<int:pk>/", views.referential_detail, name="referential_detail"),
]
