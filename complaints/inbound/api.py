"""``inbound-messages/``: the e-mails read from the prefectures' mailboxes (complaints.inbound), for the triage.

Scoped like the triage page (accounts.access.scope_inbound: the quality manager, referents and agents of the
prefecture; another prefecture's message is a 404). Filter ``status`` (triage, quarantined, filed, attached,
discarded; default: the waiting ones, triage and quarantined).

- ``POST inbound-messages/{id}/file/`` ``{"site", "kind"}``: file a waiting message as a new complaint or e-mail
  item of a site of its prefecture (another prefecture's site, or one the user does not record on: 400);
- ``POST inbound-messages/{id}/discard/``: leave it aside.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from complaints.inbound import triage
from complaints.inbound.serializers import InboundFileSerializer, InboundMessageSerializer
from complaints.models import InboundAttachment, InboundMessage
from sites.models import Site

STATUS_PARAMETER = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=InboundMessage.Status.values,
    description="État des courriels listés (par défaut : à trier et en quarantaine).",
)


class InboundMessageViewSet(viewsets.ReadOnlyModelViewSet):
    """E-mails read from the mailboxes of the user's prefectures, the latest first."""

    queryset = InboundMessage.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = InboundMessageSerializer
    filterset_class = None

    def get_queryset(self):
        queryset = (
            InboundMessage.objects.for_user(self.request.user)
            .prefetch_related(Prefetch("attachments", queryset=InboundAttachment.objects.order_by("pk")))
            .order_by("-received_at", "-pk")
        )
        if self.action != "list":
            return queryset
        status = self.request.query_params.get("status")
        if status is None:
            return queryset.waiting()
        if status not in InboundMessage.Status.values:
            raise ApiValidationError({"status": [f"État inconnu : {', '.join(InboundMessage.Status.values)}."]})
        return queryset.filter(status=status)

    @extend_schema(parameters=[STATUS_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InboundFileSerializer, responses=InboundMessageSerializer)
    @route(detail=True, methods=["post"], url_path="file", url_name="file")
    def file(self, request, pk=None):
        """File a waiting message as a new complaint (``kind``: complaint) or e-mail item (email) of ``site``."""
        message = self.get_object()
        params = InboundFileSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        site = Site.objects.filter(pk=params.validated_data["site"]).first()
        filed = triage.inbound_file(by=request.user, message=message, site=site, kind=params.validated_data["kind"])
        return Response(
            InboundMessageSerializer(self.get_queryset().get(pk=filed.pk), context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses=InboundMessageSerializer)
    @route(detail=True, methods=["post"], url_path="discard", url_name="discard")
    def discard(self, request, pk=None):
        """Leave a waiting message aside (spam, duplicate)."""
        discarded = triage.inbound_discard(by=request.user, message=self.get_object())
        return Response(
            InboundMessageSerializer(
                self.get_queryset().get(pk=discarded.pk), context=self.get_serializer_context()
            ).data
        )
