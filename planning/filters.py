"""The FilterSets of the programme's API lists (the calendar pages choose by prefecture or site in their address)."""

import django_filters
from django.utils import timezone

from qualipref.lib.filtering import visible_to_requester
from sites.models import Prefecture, Site

from .models import RULE_KINDS, Kind, PlannedItem, ProgrammeRule, Status


class PlannedItemFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(label="Préfecture", queryset=visible_to_requester(Prefecture.objects))
    site = django_filters.ModelChoiceFilter(
        label="Site (ses éléments seulement)", queryset=visible_to_requester(Site.objects)
    )
    year = django_filters.NumberFilter(label="Année du programme", field_name="year", min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(label="Nature", choices=Kind.choices)
    status = django_filters.ChoiceFilter(label="Statut (ce jour)", choices=Status.choices, method="filter_status")

    class Meta:
        model = PlannedItem
        fields = ["prefecture", "site", "year", "kind", "status"]

    def filter_status(self, queryset, name, value):
        return queryset.with_status_in([value], on=timezone.localdate())


class ProgrammeRuleFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(label="Préfecture", queryset=visible_to_requester(Prefecture.objects))
    kind = django_filters.ChoiceFilter(label="Nature", choices=[(kind.value, kind.label) for kind in RULE_KINDS])

    class Meta:
        model = ProgrammeRule
        fields = ["prefecture", "kind"]
