from rest_framework import viewsets

from engagements.filters.referentials import EngagementFilter, ModuleFilter, ReferentialFilter
from engagements.models import Engagement, Module, Referential
from engagements.serializers.referentials import EngagementSerializer, ModuleSerializer, ReferentialSerializer


class ReferentialViewSet(viewsets.ReadOnlyModelViewSet):
    """Référentiels and their versions (Label Marianne, Qualipref, Qualipref 2.0 numérique), read by everyone.

    National administrators manage them with ``manage.py import_referential`` and the admin.
    """

    queryset = Referential.objects.order_by("code", "-published_on", "-pk")  # pk: stable pages (tests/api)
    serializer_class = ReferentialSerializer
    filterset_class = ReferentialFilter


class ModuleViewSet(viewsets.ReadOnlyModelViewSet):
    """Modules of the référentiels: mandatory (accueil général, socle numérique) or optional (missions)."""

    queryset = Module.objects.all()
    serializer_class = ModuleSerializer
    filterset_class = ModuleFilter


class EngagementViewSet(viewsets.ReadOnlyModelViewSet):
    """Engagements with their stable code and, when measurable, their target (indicator, comparison, threshold)."""

    queryset = Engagement.objects.all()
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter
