"""Pages of référentiels, labelling cycles, action plans, meetings, trainings and quality documents (mounted at
/qualite/)."""

from engagements.urls import actions, documents, labellings, meetings, referentials

urlpatterns = (
    referentials.urlpatterns
    + labellings.urlpatterns
    + actions.urlpatterns
    + meetings.urlpatterns
    + documents.urlpatterns
)
