"""Filters of the prefectures (API) and of the sites: one FilterSet for the sites' page and ``sites/`` of the API."""

import django_filters

from qualipref.lib.filtering import visible_to_requester
from sites.forms import SiteFilterForm
from sites.models import Prefecture, Site


class PrefectureFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department_id", label="département (code)")
    region = django_filters.CharFilter(field_name="department__region", label="région")

    class Meta:
        model = Prefecture
        fields = ["department", "region"]


class SiteFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(
        label="Préfecture",
        queryset=visible_to_requester(Prefecture.objects.select_related("department")),
        empty_label="Toutes les préfectures",
    )
    kind = django_filters.ChoiceFilter(label="Type de site", choices=Site.Kind.choices, empty_label="Tous les types")
    department = django_filters.CharFilter(field_name="prefecture__department_id", label="Département (code)")
    name = django_filters.CharFilter(lookup_expr="icontains", label="Nom contient")

    class Meta:
        model = Site
        form = SiteFilterForm
        fields = ["prefecture", "kind", "department", "is_active", "name"]
