from django.utils import timezone
from rest_framework import mixins, viewsets

from qualipref.lib.drf import ReadWriteViewSet

from . import services
from .filters import PlannedItemFilter, ProgrammeRuleFilter
from .models import PlannedItem, ProgrammeRule
from .serializers import PlannedItemSerializer, ProgrammeRuleSerializer


class PlannedItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The items of the quality programmes the user sees: what is due in which window, its status of the day and
    what fulfilled it. Written by the programme's build (the rules, the labelling cycle) and its links only."""

    queryset = PlannedItem.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = PlannedItemSerializer
    filterset_class = PlannedItemFilter

    def get_queryset(self):
        return (
            PlannedItem.objects.for_user(self.request.user)
            .with_status(timezone.localdate())
            .select_related("fulfilment_type")
            .prefetch_related("fulfilment")
            .order_by("starts_on", "pk")
        )


class ProgrammeRuleViewSet(mixins.DestroyModelMixin, ReadWriteViewSet):
    """The rules of the programmes: the quality manager of a prefecture writes them (each write rebuilds the year's
    programme); the others in scope read them."""

    queryset = ProgrammeRule.objects.none()
    serializer_class = ProgrammeRuleSerializer
    filterset_class = ProgrammeRuleFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            ProgrammeRule.objects.for_user(self.request.user)
            .select_related("site")
            .order_by("prefecture", "kind", "pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        prefecture = data.pop("prefecture")
        serializer.instance = services.rule_save(by=self.request.user, prefecture=prefecture, **data)

    def perform_update(self, serializer):
        rule = serializer.instance
        serializer.instance = services.rule_save(
            by=self.request.user, prefecture=rule.prefecture, rule=rule, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.rule_delete(by=self.request.user, rule=instance)
