"""``complaints/``: the register in the API, thin over complaints.services.

Lists are scoped by ``for_user`` (a foreign id is a 404) and filtered with the FilterSet of the register's page;
every object carries its ``abilities`` and its ``remaining_working_days`` (computed for a whole page at once).
A user who may see a complaint but not handle it gets 403 on writes.

- ``POST complaints/{id}/answer/`` ``{"answered_on", "response"}`` records the answer;
- ``POST complaints/{id}/close/`` closes an answered complaint;
- ``GET complaints/{id}/history/`` lists who changed what and when;
- ``GET complaints/{id}/deliveries/`` lists the sendings of the answer to the requester (complaints.deliveries).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action as route
from rest_framework.response import Response

from accounts import access
from complaints import services
from complaints.deadlines import attach_remaining_working_days
from complaints.filters import ComplaintFilter
from complaints.history import complaint_history
from complaints.models import Complaint
from complaints.models.register import NEWEST_FIRST
from complaints.register.api import ReplyActions
from complaints.serializers import (
    AnswerSerializer,
    ComplaintSerializer,
    ComplaintWriteSerializer,
    HistoryEntrySerializer,
)
from qualipref.lib.drf import ReadWriteViewSet
from qualipref.pagination import NewestFirstPagination

COMPLAINT_RELATIONS = ("site", "prefecture", "assigned_to")


def complaints_for(user):
    """The complaints a user may see, with what a row needs (no query per row)."""
    return Complaint.objects.for_user(user).select_related(*COMPLAINT_RELATIONS)


class ComplaintViewSet(ReplyActions, ReadWriteViewSet):
    """Complaints and suggestions of the sites the user may see. Filters: prefecture, site, service, kind,
    status, channel, category, assigned_to, overdue, due_this_week, year, received_after, received_before,
    reference. The requester's personal data (``requester_*``) is given only to the people who handle the
    complaint."""

    can_see_person = staticmethod(access.can_see_requester)

    queryset = Complaint.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = NewestFirstPagination  # ?page=N, and ?after=<cursor> from `next`: any depth

    def get_queryset(self):
        return complaints_for(self.request.user).order_by(*NEWEST_FIRST)  # its indexes: register_indexes

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return ComplaintWriteSerializer
        return super().get_serializer_class()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_remaining_working_days(page) if page is not None else None

    def _read(self, complaint):
        complaint = complaints_for(self.request.user).get(pk=complaint.pk)
        attach_remaining_working_days([complaint])
        return ComplaintSerializer(complaint, context=self.get_serializer_context())

    def _handled(self, action):
        """The complaint, when the user may ``action`` it: 403 with the service's message, the page's too."""
        complaint = self.get_object()
        services.check_handler(self.request.user, complaint, action)
        return complaint

    def retrieve(self, request, *args, **kwargs):
        return Response(self._read(self.get_object()).data)

    @extend_schema(request=ComplaintWriteSerializer, responses={201: ComplaintSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.complaint_create(by=request.user, **serializer.validated_data)
        return Response(self._read(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ComplaintWriteSerializer, responses=ComplaintSerializer)
    def partial_update(self, request, *args, **kwargs):
        instance = self._handled("edit")
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.complaint_update(by=request.user, complaint=instance, **serializer.validated_data)
        return Response(self._read(updated).data)

    @extend_schema(request=AnswerSerializer, responses=ComplaintSerializer)
    @route(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Record the answer: ``answered_on`` (not before receipt, not in the future) and ``response``."""
        complaint = self._handled("answer")
        params = AnswerSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        answered = services.complaint_answer(by=request.user, complaint=complaint, **params.validated_data)
        return Response(self._read(answered).data)

    @extend_schema(request=None, responses=ComplaintSerializer)
    @route(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close an answered complaint."""
        closed = services.complaint_close(by=request.user, complaint=self._handled("close"))
        return Response(self._read(closed).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Who changed what and when, newest first (the requester's personal data is never in the history)."""
        return Response(HistoryEntrySerializer(complaint_history(self.get_object()), many=True).data)
