"""``documents/`` (the register of quality documents, national ones included) and ``document-versions/``.

Writes go through engagements.services.documents, like the pages:
- ``POST documents/`` describes a document (no version yet), ``PATCH documents/{id}/`` changes it;
- ``POST document-versions/`` (multipart/form-data with ``file``, or JSON with ``url``) adds a draft;
- ``POST document-versions/{id}/submit/``, ``.../approve/``, ``.../archive/``: the life cycle (approving supersedes
  the version approved before);
- ``GET document-versions/{id}/download/``: the file, to those who read the document only (never from /media/).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from engagements.filters.documents import DocumentFilter, DocumentVersionFilter, default_order
from engagements.models import DocumentVersion, QualityDocument
from engagements.serializers.documents import DocumentVersionSerializer, QualityDocumentSerializer
from engagements.services import documents as services
from qualipref.lib.drf import ReadWriteViewSet
from qualipref.views import file_response


class QualityDocumentViewSet(ReadWriteViewSet):
    """The quality documents the user reads: those of their prefectures, and the national ones.

    The prefecture's quality manager describes them (national administrators the national ones); the referents of
    its sites add versions; the quality manager approves them.
    """

    queryset = QualityDocument.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = QualityDocumentSerializer
    filterset_class = DocumentFilter

    def get_queryset(self):
        documents = (
            QualityDocument.objects.for_user(self.request.user)
            .select_related("prefecture", "owner", "current_version")
            .prefetch_related("sites", "engagements")
        )
        return default_order(documents)

    def perform_create(self, serializer):
        serializer.instance = services.document_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.document_update(
            by=self.request.user, document=serializer.instance, **serializer.validated_data
        )


class DocumentVersionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Versions of the documents the user reads, newest first; their life cycle by the actions below."""

    queryset = DocumentVersion.objects.none()
    serializer_class = DocumentVersionSerializer
    filterset_class = DocumentVersionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            DocumentVersion.objects.filter(document__in=QualityDocument.objects.for_user(self.request.user))
            .select_related("document", "author", "submitted_by", "approved_by", "archived_by")
            .prefetch_related("document__sites")
            .order_by("-dated", "-pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.version_add(by=self.request.user, **serializer.validated_data)

    def _step(self, run):
        version = run(by=self.request.user, version=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=version.pk)).data)

    @extend_schema(request=None, responses=DocumentVersionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """A draft goes to review."""
        return self._step(services.version_submit)

    @extend_schema(request=None, responses=DocumentVersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a version in review (quality manager, national administrator): it supersedes the approved one."""
        return self._step(services.version_approve)

    @extend_schema(request=None, responses=DocumentVersionSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive a version (the approved one too: the document is then without a version in force)."""
        return self._step(services.version_archive)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The version's file (404 for a link version: its ``url`` is the document)."""
        version = self.get_object()
        return file_response(version.file, version.file_name or "document", content_type=version.content_type)
