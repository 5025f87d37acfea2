"""Pages of référentiels, labelling cycles, action plans, meetings and trainings (mounted at /qualite/)."""

from engagements.urls import actions, labellings, meetings, referentials

urlpatterns = referentials.urlpatterns + labellings.urlpatterns + actions.urlpatterns + meetings.urlpatterns
