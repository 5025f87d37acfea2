"""The one FilterSet of each crisis list, shared by its page (crisis.views) and the API (crisis.api): same
parameters, same meaning. Prefectures offered are those the requesting user may see: a foreign id is refused like an
unknown one."""

import django_filters

from crisis.models import CrisisEvent, OnCallShift, PressRelease
from engagements.filters.meetings import BooleanSelect
from qualipref.lib.bounds import YearFilter
from qualipref.lib.filtering import contains_any, visible_to_requester
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Prefecture


class ListFilterForm(QualiprefForm):
    """DSFR rendering of the filters on the pages (the API ignores it)."""


def _prefecture_filter():
    return django_filters.ModelChoiceFilter(
        label="Préfecture",
        queryset=visible_to_requester(Prefecture.objects.select_related("department")),
        empty_label="Toutes les préfectures",
    )


class OnCallShiftFilter(django_filters.FilterSet):
    prefecture = _prefecture_filter()
    # Shifts still running on that day or later (the page shows the coming weeks by default).
    since = django_filters.DateFilter(method="filter_since", label="Astreintes à partir du", widget=date_input())
    until = django_filters.DateFilter(method="filter_until", label="Jusqu’au", widget=date_input())
    q = django_filters.CharFilter(method="filter_q", label="Agent (nom)")

    class Meta:
        model = OnCallShift
        form = ListFilterForm
        fields = ["prefecture", "since", "until", "q"]

    def filter_since(self, queryset, name, value):
        from crisis.roster import local_midnight

        return queryset.filter(ends_at__gt=local_midnight(value))

    def filter_until(self, queryset, name, value):
        import datetime

        from crisis.roster import local_midnight

        return queryset.filter(starts_at__lt=local_midnight(value + datetime.timedelta(days=1)))

    def filter_q(self, queryset, name, value):
        return contains_any(
            queryset, value, "person_name", "person__first_name", "person__last_name", "person__username"
        )


class CrisisEventFilter(django_filters.FilterSet):
    prefecture = _prefecture_filter()
    kind = django_filters.ChoiceFilter(
        label="Nature", choices=CrisisEvent.Kind.choices, empty_label="Événements et exercices"
    )
    with_cip = django_filters.BooleanFilter(
        label="Appel à la CIP",
        widget=BooleanSelect(either="Avec ou sans la CIP", yes="Avec appel à la CIP", no="Sans appel à la CIP"),
    )
    year = YearFilter(field_name="alert_received_at", label="Année")

    class Meta:
        model = CrisisEvent
        form = ListFilterForm
        fields = ["prefecture", "kind", "with_cip", "year"]


class PressReleaseFilter(django_filters.FilterSet):
    prefecture = _prefecture_filter()
    year = django_filters.NumberFilter(field_name="year", label="Année", min_value=1900, max_value=2100)
    event = django_filters.ModelChoiceFilter(
        label="Événement", queryset=visible_to_requester(CrisisEvent.objects.all()), empty_label="Tous"
    )

    class Meta:
        model = PressRelease
        form = ListFilterForm
        fields = ["prefecture", "year", "event"]
