"""Filters of the meetings and trainings lists, shared by the API and the pages (engagements.forms.meetings)."""

import django_filters

from engagements.models import Meeting, Training
from qualipref.lib.bounds import YearFilter
from sites.models import Prefecture


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, label="instance (copil, clu)")
    year = YearFilter(field_name="held_on", label="année de la réunion")

    class Meta:
        model = Meeting
        fields = ["prefecture", "kind", "year"]


class TrainingFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(
        field_name="site__prefecture", queryset=Prefecture.objects.all(), label="préfecture du site"
    )
    person = django_filters.CharFilter(field_name="person__username", label="agent (identifiant)")
    trained_before = django_filters.DateFilter(
        field_name="trained_on", lookup_expr="lt", label="suivie avant le (jour exclu)"
    )
    trained_after = django_filters.DateFilter(
        field_name="trained_on", lookup_expr="gte", label="suivie à partir du (jour inclus)"
    )

    class Meta:
        model = Training
        fields = ["site", "prefecture", "person", "reception", "trained_before", "trained_after"]
