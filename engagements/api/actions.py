"""Action plans and actions in the API: thin viewsets over engagements.services.actions.

Lists are scoped by ``for_user`` (a foreign id is a 404), filtered with the FilterSet of the referent's page,
and every object carries its ``abilities``. A user who may see an action but not change it gets 403.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import access
from engagements.filters.actions import ActionFilter, default_order
from engagements.models import Action, ActionPlan
from engagements.serializers.actions import (
    ActionHistoryEntrySerializer,
    ActionPlanSerializer,
    ActionSerializer,
    ActionWriteSerializer,
    BulkStatusResultSerializer,
    BulkStatusSerializer,
    CopyOpenActionsSerializer,
)
from engagements.services import actions as services
from qualipref.lib.drf import ReadWriteViewSet

ACTION_RELATIONS = ("owner", "source_type")


def actions_for(user):
    """The actions a user may see, with what a row needs (no query per row)."""
    return Action.objects.for_user(user).select_related(*ACTION_RELATIONS)


class ActionPlanViewSet(ReadWriteViewSet):
    """Action plans of the prefectures the user may see; their quality manager creates and renames them."""

    queryset = ActionPlan.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ActionPlanSerializer
    filterset_fields = ["prefecture", "labelling"]

    def get_queryset(self):
        return (
            ActionPlan.objects.for_user(self.request.user)
            .select_related("prefecture")
            .with_action_counts()
            .order_by("prefecture__department_id", "-created_at", "-pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.action_plan_create(
            by=self.request.user, prefecture=data["prefecture"], title=data["title"], labelling=data.get("labelling")
        )

    def perform_update(self, serializer):
        serializer.instance = services.action_plan_update(
            by=self.request.user, plan=serializer.instance, **serializer.validated_data
        )

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self.get_queryset().get(pk=response.data["id"])).data
        return response

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=kwargs["pk"])).data)

    @extend_schema(request=CopyOpenActionsSerializer, responses=ActionSerializer(many=True))
    @route(detail=True, methods=["post"], url_path="copy-open-actions")
    def copy_open_actions(self, request, pk=None):
        """Carry the open actions of another plan of the same prefecture over to this one (a new cycle)."""
        plan = self.get_object()
        serializer = CopyOpenActionsSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        copies = services.actions_copy_open_to_plan(
            by=request.user, from_plan=serializer.validated_data["from_plan"], to_plan=plan
        )
        created = actions_for(request.user).filter(pk__in=[copy.pk for copy in copies]).order_by("pk")
        return Response(ActionSerializer(created, many=True, context=self.get_serializer_context()).data, status=201)


class ActionViewSet(ReadWriteViewSet):
    """Actions of the plans the user may see. Filters: prefecture, plan, site, module, engagement, status
    (repeatable), owner, source, priority, overdue, due_this_month, due_before, mine, q; ``ordering``."""

    queryset = Action.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self):
        return default_order(actions_for(self.request.user))

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return ActionWriteSerializer
        return super().get_serializer_class()

    def _read(self, action):
        return ActionSerializer(actions_for(self.request.user).get(pk=action.pk), context=self.get_serializer_context())

    @extend_schema(request=ActionWriteSerializer, responses={201: ActionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        created = services.action_create(by=request.user, plan=data.pop("plan"), **data)
        return Response(self._read(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionWriteSerializer, responses=ActionSerializer)
    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        if not access.can_edit_action(request.user, instance):
            raise PermissionDenied("Vous ne pouvez pas modifier cette action.")
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.action_update(by=request.user, action=instance, **serializer.validated_data)
        return Response(self._read(updated).data)

    @extend_schema(responses=ActionHistoryEntrySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """Who changed what and when, newest first: ``[{"date", "user", "changes": [{"field", "old", "new"}]}]``."""
        entries = services.action_history(self.get_object())
        return Response(ActionHistoryEntrySerializer(entries, many=True).data)

    @extend_schema(request=BulkStatusSerializer, responses=BulkStatusResultSerializer)
    @route(detail=False, methods=["post"], url_path="bulk-status")
    def bulk_status(self, request):
        """Move several actions to one status: all of them, or none when one of them may not move."""
        serializer = BulkStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        changed = services.actions_bulk_status(by=request.user, action_ids=data.pop("actions"), **data)
        return Response({"updated": [action.pk for action in changed]})
