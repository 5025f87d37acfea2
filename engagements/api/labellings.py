from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import access
from engagements.filters.labellings import LabellingFilter
from engagements.models import Labelling, LabellingStep
from engagements.serializers.labellings import (
    LabellingMigrateSerializer,
    LabellingSerializer,
    LabellingTransitionSerializer,
)
from engagements.services import labellings as services

MANAGERS_ONLY = "Seul le responsable qualité de la préfecture fait avancer ses cycles de labellisation."


class LabellingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Labelling cycles of the prefectures the user may see, with their steps (the timeline).

    A cycle is created in preparation (``POST``), then moved forward one step at a time
    (``POST {id}/transition/``) or moved to another référentiel (``POST {id}/migrate/``); the rules and the
    due dates are those of the pages (engagements.services.labellings).
    """

    queryset = Labelling.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = LabellingSerializer
    filterset_class = LabellingFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            Labelling.objects.for_user(self.request.user)
            .select_related("prefecture", "referential")
            .prefetch_related(
                "modules",
                "sites",
                Prefetch("steps", queryset=LabellingStep.objects.select_related("recorded_by", "source_type")),
            )
            .order_by("prefecture__department_id", "-started_on", "-pk")
        )

    def _respond(self, pk, code=status.HTTP_200_OK):
        instance = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(instance).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        labelling = services.labelling_start(by=request.user, **serializer.validated_data)
        return self._respond(labelling.pk, status.HTTP_201_CREATED)

    def _managed(self):
        labelling = self.get_object()
        if not access.can_manage_labellings(self.request.user, labelling.prefecture):
            raise PermissionDenied(MANAGERS_ONLY)
        return labelling

    @extend_schema(request=LabellingTransitionSerializer, responses=LabellingSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Record the next step: internal_evaluation, plan_revision, labelling_audit, decision,
        follow_up_audit, renewal_audit or end (see ``allowed_steps``)."""
        labelling = self._managed()
        serializer = LabellingTransitionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        labelling = services.labelling_transition(by=request.user, labelling=labelling, **data)
        return self._respond(labelling.pk)

    @extend_schema(request=LabellingMigrateSerializer, responses={201: LabellingSerializer})
    @action(detail=True, methods=["post"])
    def migrate(self, request, pk=None):
        """Move the running cycle to another référentiel (Marianne → Qualipref 2.0): returns the new cycle."""
        labelling = self._managed()
        serializer = LabellingMigrateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        new = services.labelling_migrate(by=request.user, labelling=labelling, **serializer.validated_data)
        return self._respond(new.pk, status.HTTP_201_CREATED)
