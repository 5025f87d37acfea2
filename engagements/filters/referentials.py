import django_filters

from engagements.models import Engagement, Module, Referential


class ReferentialFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact", label="code (MARIANNE, QP, QP2)")

    class Meta:
        model = Referential
        fields = ["code", "version"]


class ModuleFilter(django_filters.FilterSet):
    class Meta:
        model = Module
        fields = ["referential", "mandatory"]


class EngagementFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact", label="code (QP2-M1-E04)")
    has_target = django_filters.BooleanFilter(method="filter_has_target", label="a une cible mesurable")
    indicator = django_filters.CharFilter(field_name="target_indicator", label="indicateur de la cible")

    class Meta:
        model = Engagement
        fields = ["referential", "module", "kind", "code", "reconstructed", "has_target", "indicator"]

    def filter_has_target(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(target_indicator="") if value else queryset.filter(target_indicator="")
