"""``correspondences/``: correspondence tracking in the API, thin over the services.

Lists are scoped by ``for_user`` (a foreign id is a 404) and filtered with the page's FilterSet; each object
carries its ``abilities`` and ``remaining_working_days``. A user who may see an item but not handle it gets 403
on writes.

- ``POST correspondences/{id}/answer/`` ``{"answered_on", "response"}`` marks it answered (the text, optional, is
  e-mailed to the sender of an e-mail who left their address: complaints.deliveries);
- ``GET correspondences/{id}/history/`` lists who changed what and when;
- ``GET correspondences/{id}/deliveries/`` lists the sendings of the answer to the sender;
- ``POST correspondences/import/`` (multipart: ``file``, optional ``prefecture``) imports a CSV file at once and
  returns its report: 201 when every row was imported, 400 with the report (``errors``: line, field, message)
  when any row was refused, in which case nothing was imported.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import access
from complaints.correspondence import imports, services
from complaints.correspondence.filters import CorrespondenceFilter
from complaints.correspondence.serializers import (
    CorrespondenceAnswerSerializer,
    CorrespondenceImportReportSerializer,
    CorrespondenceImportUploadSerializer,
    CorrespondenceSerializer,
    CorrespondenceWriteSerializer,
    import_report_data,
)
from complaints.deadlines import attach_remaining_working_days
from complaints.history import correspondence_history
from complaints.models import Correspondence, CorrespondenceImport
from complaints.models.register import NEWEST_FIRST
from complaints.register.api import ReplyActions
from complaints.serializers import HistoryEntrySerializer
from qualipref.pagination import NewestFirstPagination
from sites.models import Prefecture

RELATIONS = ("site", "prefecture")


def correspondences_for(user):
    return Correspondence.objects.for_user(user).select_related(*RELATIONS)


class CorrespondenceViewSet(
    ReplyActions,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Letters, e-mails, elected officials' requests and letters of observation of the sites the user may see.
    Filters: prefecture, site, service, kind, status (open, answered), overdue, due_this_week, assigned_to, year,
    received_after, received_before, reference, import_batch. ``sender`` is given only to the people who handle
    the item."""

    can_see_person = staticmethod(access.can_see_sender)

    queryset = Correspondence.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = CorrespondenceSerializer
    filterset_class = CorrespondenceFilter
    pagination_class = NewestFirstPagination  # ?page=N, and ?after=<cursor> from `next`: any depth
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return correspondences_for(self.request.user).order_by(*NEWEST_FIRST)  # its indexes: register_indexes

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return CorrespondenceWriteSerializer
        return super().get_serializer_class()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_remaining_working_days(page) if page is not None else None

    def _read(self, item):
        item = correspondences_for(self.request.user).get(pk=item.pk)
        attach_remaining_working_days([item])
        return CorrespondenceSerializer(item, context=self.get_serializer_context())

    def _handled(self, action):
        """The item, when the user may ``action`` it: 403 with the service's message, the page's too."""
        item = self.get_object()
        services.check_handler(self.request.user, item, action)
        return item

    def retrieve(self, request, *args, **kwargs):
        return Response(self._read(self.get_object()).data)

    @extend_schema(request=CorrespondenceWriteSerializer, responses={201: CorrespondenceSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.correspondence_create(by=request.user, **serializer.validated_data)
        return Response(self._read(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CorrespondenceWriteSerializer, responses=CorrespondenceSerializer)
    def partial_update(self, request, *args, **kwargs):
        instance = self._handled("edit")
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.correspondence_update(by=request.user, correspondence=instance, **serializer.validated_data)
        return Response(self._read(updated).data)

    def destroy(self, request, *args, **kwargs):
        services.correspondence_delete(by=request.user, correspondence=self._handled("delete"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CorrespondenceAnswerSerializer, responses=CorrespondenceSerializer)
    @route(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Mark the item answered on ``answered_on`` (not before receipt, not in the future), with the text of the
        answer when given (``response``: e-mailed to the sender of an e-mail who left their address)."""
        item = self._handled("answer")
        params = CorrespondenceAnswerSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        answered = services.correspondence_answer(by=request.user, correspondence=item, **params.validated_data)
        return Response(self._read(answered).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Who changed what and when, newest first (the sender is never in the history)."""
        return Response(HistoryEntrySerializer(correspondence_history(self.get_object()), many=True).data)

    @extend_schema(
        request={"multipart/form-data": CorrespondenceImportUploadSerializer},
        responses={
            201: CorrespondenceImportReportSerializer,
            400: OpenApiResponse(
                CorrespondenceImportReportSerializer, description="Fichier refusé : rien n'a été importé."
            ),
        },
    )
    @route(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def bulk_import(self, request):
        """Import a CSV export of a mail system: all its rows, or none (the report says why, line by line).
        Columns: site, type, reçu le (required), répondu le, référence, service, objet, expéditeur."""
        if not access.correspondence_import_prefectures(Prefecture.objects.all(), request.user).exists():
            raise PermissionDenied("Seuls les agents, les référents et le responsable qualité importent des courriers.")
        params = CorrespondenceImportUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        prefecture = self._import_prefecture(params.validated_data.get("prefecture"))
        batch = imports.import_file(by=request.user, prefecture=prefecture, file=params.validated_data["file"])
        ok = batch.status == CorrespondenceImport.Status.DONE
        return Response(
            CorrespondenceImportReportSerializer(import_report_data(batch)).data,
            status=status.HTTP_201_CREATED if ok else status.HTTP_400_BAD_REQUEST,
        )

    def _import_prefecture(self, prefecture_id):
        allowed = access.correspondence_import_prefectures(Prefecture.objects.all(), self.request.user)
        if prefecture_id is not None:
            prefecture = allowed.filter(pk=prefecture_id).first()
            if prefecture is None:
                raise ApiValidationError({"prefecture": ["Vous n'importez pas de courriers pour cette préfecture."]})
            return prefecture
        choices = list(allowed[:2])
        if len(choices) > 1:
            raise ApiValidationError({"prefecture": ["Indiquez la préfecture des courriers."]})
        return choices[0]
