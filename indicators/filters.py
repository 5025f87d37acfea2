"""FilterSets of the indicators' API: measurements by indicator code, site, prefecture, months, source and status.

Choices of sites and prefectures are limited to what the requesting user may see: a foreign id is refused like an
unknown one. Months are written AAAA-MM.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from indicators import periods
from indicators.models import Indicator, Measurement, Status
from sites.models import Prefecture, Site


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return periods.parse(value, allow_future=True)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


class CodeInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


def _sites(request):
    if request is None:
        return Site.objects.none()
    return Site.objects.for_user(request.user)


def _prefectures(request):
    if request is None:
        return Prefecture.objects.none()
    return Prefecture.objects.for_user(request.user)


class MeasurementFilter(django_filters.FilterSet):
    indicator = CodeInFilter(
        field_name="indicator__code", lookup_expr="in", label="Codes d'indicateurs (séparés par des virgules)"
    )
    site = django_filters.ModelChoiceFilter(queryset=_sites, label="Site")
    prefecture = django_filters.ModelChoiceFilter(queryset=_prefectures, label="Préfecture")
    prefecture_wide = django_filters.BooleanFilter(
        field_name="site", lookup_expr="isnull", label="Mesures de toute la préfecture (sans site)"
    )
    period_after = PeriodFilter(field_name="period", lookup_expr="gte", label="À partir du mois (AAAA-MM)")
    period_before = PeriodFilter(field_name="period", lookup_expr="lte", label="Jusqu'au mois (AAAA-MM)")
    source = django_filters.ChoiceFilter(choices=Indicator.Source.choices, label="Source")
    status = django_filters.ChoiceFilter(choices=Status.choices, label="Feu (par rapport à l'objectif)")

    class Meta:
        model = Measurement
        fields = []


class IndicatorFilter(django_filters.FilterSet):
    code = CodeInFilter(field_name="code", lookup_expr="in", label="Codes (séparés par des virgules)")

    class Meta:
        model = Indicator
        fields = ["theme", "source", "level", "unit"]


class AggregateFilter(django_filters.FilterSet):
    """The measurements an aggregate adds up (the level is chosen by the view)."""

    indicator = CodeInFilter(field_name="indicator__code", lookup_expr="in", label="Codes d'indicateurs")
    prefecture = django_filters.ModelChoiceFilter(queryset=_prefectures, label="Préfecture")
    period_after = PeriodFilter(field_name="period", lookup_expr="gte", label="À partir du mois (AAAA-MM)")
    period_before = PeriodFilter(field_name="period", lookup_expr="lte", label="Jusqu'au mois (AAAA-MM)")

    class Meta:
        model = Measurement
        fields = []
