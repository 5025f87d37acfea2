"""The register of quality documents, under /qualite/ (names start with ``document_``)."""

from engagements.views import documents as views
from qualipref.lib.urls import page

urlpatterns = [
    page("documents/", views.document_list),
    page("documents/export.csv", views.document_export_csv),
    page("documents/export.xlsx", views.document_export_xlsx),
    page("documents/export.pdf", views.document_export_pdf),
    page("documents/nouveau/", views.document_create),
    page("documents/<int:pk>/", views.document_detail),
    page("documents/<int:pk>/modifier/", views.document_edit),
    page("documents/<int:pk>/versions/nouvelle/", views.document_version_add),
    page("documents/<int:pk>/versions/<int:version_pk>/", views.document_version_download),
    page("documents/<int:pk>/versions/<int:version_pk>/soumettre/", views.document_version_submit),
    page("documents/<int:pk>/versions/<int:version_pk>/approuver/", views.document_version_approve),
    page("documents/<int:pk>/versions/<int:version_pk>/archiver/", views.document_version_archive),
]
