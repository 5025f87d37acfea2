"""The FilterSets of the training sessions (« plan de formation ») and of the people without an account, each
shared by its page (engagements.views.trainings) and the API (engagements.api.trainings)."""

import django_filters
from django.utils import timezone

from engagements.filters.meetings import BooleanSelect, ListFilterForm, _prefectures
from engagements.models import Trainee, TrainingKind, TrainingSession
from qualipref.lib.filtering import contains_any, visible_to_requester
from sites.models import Site


def _sites():
    return visible_to_requester(Site.objects.select_related("prefecture"))


class TrainingSessionFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(
        field_name="site__prefecture", label="Préfecture", queryset=_prefectures(), empty_label="Toutes les préfectures"
    )
    site = django_filters.ModelChoiceFilter(label="Site", queryset=_sites(), empty_label="Tous les sites")
    kind = django_filters.ChoiceFilter(label="Type", choices=TrainingKind.choices, empty_label="Tous les types")
    when = django_filters.ChoiceFilter(
        label="Période",
        method="filter_when",
        choices=(("coming", "À venir"), ("past", "Passées")),
        empty_label="Toutes les sessions",
    )

    class Meta:
        model = TrainingSession
        form = ListFilterForm
        fields = ["prefecture", "site", "kind", "when"]

    def filter_when(self, queryset, name, value):
        today = timezone.localdate()
        if value == "coming":
            return queryset.filter(starts_at__date__gte=today)
        if value == "past":
            return queryset.filter(starts_at__date__lt=today)
        return queryset


class TraineeFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(
        field_name="site__prefecture", label="Préfecture", queryset=_prefectures(), empty_label="Toutes les préfectures"
    )
    site = django_filters.ModelChoiceFilter(label="Site", queryset=_sites(), empty_label="Tous les sites")
    q = django_filters.CharFilter(method="filter_q", label="Nom")
    current = django_filters.BooleanFilter(
        method="filter_current",
        label="Présence",
        widget=BooleanSelect(either="Toutes les personnes", yes="Sur le site", no="Parties"),
    )

    class Meta:
        model = Trainee
        form = ListFilterForm
        fields = ["prefecture", "site", "q", "current"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "first_name", "last_name")

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(left_on__isnull=value)
