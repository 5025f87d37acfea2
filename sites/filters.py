import django_filters

from sites.models import Prefecture, Site


class PrefectureFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department_id", label="département (code)")
    region = django_filters.CharFilter(field_name="department__region", label="région")

    class Meta:
        model = Prefecture
        fields = ["department", "region"]


class SiteFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="prefecture__department_id", label="département (code)")
    name = django_filters.CharFilter(lookup_expr="icontains", label="nom contient")

    class Meta:
        model = Site
        fields = ["prefecture", "kind", "department", "is_active", "name"]
