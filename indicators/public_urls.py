"""The public peak hours (heures d'affluence) of the sites, under /affluence/ (no login)."""

from django.urls import path

from indicators.views import footfall

urlpatterns = [
    path("", footfall.public_footfall_index, name="public_footfall_index"),
    path("<int:pk>/", footfall.public_footfall_site, name="public_footfall_site"),
]
