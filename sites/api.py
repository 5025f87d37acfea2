from django.db.models import Prefetch
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from accounts import access
from sites import services
from sites.filters import PrefectureFilter, SiteFilter
from sites.models import Department, Prefecture, Service, Site
from sites.serializers import DepartmentSerializer, PrefectureSerializer, SiteSerializer


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Départements and overseas territories with a prefecture (reference data)."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9AB]{2,3}"
    filterset_fields = ["region"]


class PrefectureViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Prefectures the user may see; national administrators create and rename them."""

    queryset = Prefecture.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = PrefectureSerializer
    filterset_class = PrefectureFilter

    def get_queryset(self):
        return Prefecture.objects.for_user(self.request.user).select_related("department")

    def perform_create(self, serializer):
        serializer.instance = services.prefecture_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        if not access.can_edit_prefecture(self.request.user, serializer.instance):
            raise PermissionDenied("Seul un administrateur national peut modifier une préfecture.")
        serializer.save()


class SiteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sites the user may see; national administrators create them, quality managers describe them."""

    queryset = Site.objects.none()  # the schema's model; requests use get_queryset()
    serializer_class = SiteSerializer
    filterset_class = SiteFilter

    def get_queryset(self):
        return (
            Site.objects.for_user(self.request.user)
            .select_related("prefecture")
            .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name")))
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.site_create(by=self.request.user, prefecture=data.pop("prefecture"), **data)

    def perform_update(self, serializer):
        serializer.instance = services.site_update(
            by=self.request.user, site=serializer.instance, **serializer.validated_data
        )
