"""The public peak hours (heures d'affluence) of the sites, under /affluence/ (no login)."""

from indicators.views import footfall
from qualipref.lib.urls import page

urlpatterns = [
    page("", footfall.public_footfall_index),
    page("<int:pk>/", footfall.public_footfall_site),
]
