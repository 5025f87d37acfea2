"""The one FilterSet of the meetings list and the one of the trainings list, each shared by its page
(engagements.views.meetings) and the API (engagements.api.meetings): same parameters, same meaning. Choices of
prefectures and sites are those the requesting user may see: a foreign id is refused like an unknown one."""

import django_filters
from django import forms

from engagements.models import Meeting, Training, TrainingKind
from qualipref.lib.bounds import YearFilter
from qualipref.lib.filtering import contains_any, visible_to_requester
from qualipref.lib.forms import QualiprefForm, date_input
from sites.models import Prefecture, Site


class ListFilterForm(QualiprefForm):
    """DSFR rendering of the filters on the pages (the API ignores it)."""


class BooleanSelect(forms.NullBooleanSelect):
    """A yes/no/either filter as a list with the page's words; reads ``true``/``false`` like the API."""

    def __init__(self, *, either, yes, no):
        super().__init__()
        self.choices = (("unknown", either), ("true", yes), ("false", no))


def _prefectures():
    return visible_to_requester(Prefecture.objects.select_related("department"))


class MeetingFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(
        label="Préfecture", queryset=_prefectures(), empty_label="Toutes les préfectures"
    )
    kind = django_filters.ChoiceFilter(label="Instance", choices=Meeting.Kind.choices, empty_label="COPIL et CLU")
    year = YearFilter(field_name="held_on", label="Année", min_value=2000, max_value=2100)

    class Meta:
        model = Meeting
        form = ListFilterForm
        fields = ["prefecture", "kind", "year"]


class TrainingFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        label="Site",
        queryset=visible_to_requester(Site.objects.select_related("prefecture")),
        empty_label="Tous les sites",
    )
    prefecture = django_filters.ModelChoiceFilter(
        field_name="site__prefecture", label="Préfecture", queryset=_prefectures(), empty_label="Toutes les préfectures"
    )
    # The API's: one person, by their identifiant (exact).
    person = django_filters.CharFilter(field_name="person__username", label="Agent (identifiant)")
    # The API's: one person without an account, by their id.
    trainee = django_filters.NumberFilter(field_name="trainee_id", label="Personne sans compte (id)")
    # The page's search box: a part of a name or of an identifiant.
    q = django_filters.CharFilter(method="filter_q", label="Agent (nom ou identifiant)")
    # The kind of the session whose attendance gave the record (« cip », « on_call »...): the crisis cell's trainings.
    kind = django_filters.ChoiceFilter(
        field_name="enrolment__session__kind",
        label="Session",
        choices=TrainingKind.choices,
        empty_label="Toutes les sessions",
    )
    reception = django_filters.BooleanFilter(
        label="Type de formation",
        widget=BooleanSelect(either="Toutes les formations", yes="Formations à l’accueil", no="Autres formations"),
    )
    trained_before = django_filters.DateFilter(
        field_name="trained_on", lookup_expr="lt", label="Suivie avant le", widget=date_input()
    )
    trained_after = django_filters.DateFilter(
        field_name="trained_on", lookup_expr="gte", label="Suivie à partir du", widget=date_input()
    )

    class Meta:
        model = Training
        form = ListFilterForm
        fields = [
            "site",
            "prefecture",
            "person",
            "trainee",
            "q",
            "kind",
            "reception",
            "trained_before",
            "trained_after",
        ]

    def filter_q(self, queryset, name, value):
        return contains_any(
            queryset,
            value,
            "person__username",
            "person__first_name",
            "person__last_name",
            "trainee__first_name",
            "trainee__last_name",
        )
