"""The filters both registers share: by place, assignee, year, reference, and by deadline (« en retard », « à
échéance dans les 7 jours »: they filter only when true; false means « no filter », not « the others »).

``RegisterFilter`` is the base of the one FilterSet of each register (complaints.filters,
complaints.correspondence.filters), shared by its page and its API: same parameters, same meaning. Choices of
prefectures, sites and services are those the requesting user may see (a foreign id is refused like an unknown
one). Each register declares, after these, the filters whose labels differ (a complaint is « reçue », a letter
« reçu »).
"""

import django_filters
from django import forms
from django.utils import timezone

from accounts.models import User
from qualipref.lib.bounds import YearFilter
from qualipref.lib.filtering import visible_to_requester
from qualipref.lib.forms import QualiprefForm
from sites.models import Prefecture, Service, Site


class RegisterFilterForm(QualiprefForm):
    """DSFR rendering of the filters on the registers' pages (the API ignores it)."""


class RegisterFilter(django_filters.FilterSet):
    """The place filters come first on both registers (``PLACES``), the others in each register's ``Meta.fields``."""

    PLACES = ["prefecture", "site", "service"]

    class Meta:
        form = RegisterFilterForm

    prefecture = django_filters.ModelChoiceFilter(
        label="Préfecture",
        queryset=visible_to_requester(Prefecture.objects.select_related("department")),
        empty_label="Toutes les préfectures",
    )
    site = django_filters.ModelChoiceFilter(
        label="Site",
        queryset=visible_to_requester(Site.objects.select_related("prefecture")),
        empty_label="Tous les sites",
    )
    service = django_filters.ModelChoiceFilter(
        label="Service",
        queryset=visible_to_requester(Service.objects.select_related("site")),
        empty_label="Tous les services",
    )
    assigned_to = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label="Agent chargé de la réponse (id)")
    year = YearFilter(field_name="received_on", label="Année de réception")
    reference = django_filters.CharFilter(lookup_expr="icontains", label="Référence")
    # Checkboxes on the pages; ``true``/``false`` in the API (false: no filter).
    overdue = django_filters.BooleanFilter(
        label="En retard", method="filter_overdue", widget=forms.CheckboxInput, field_name="overdue"
    )
    due_this_week = django_filters.BooleanFilter(
        label="À échéance dans les 7 jours",
        method="filter_due_this_week",
        widget=forms.CheckboxInput,
        field_name="due_this_week",
    )

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_due_this_week(self, queryset, name, value):
        return queryset.due_soon(timezone.localdate()) if value else queryset


def received_filters(feminine):
    """``received_after`` and ``received_before``, their labels agreed with the register's items."""
    received = "Reçue" if feminine else "Reçu"
    return (
        django_filters.DateFilter(
            field_name="received_on", lookup_expr="gte", label=f"{received} à partir du (jour inclus)"
        ),
        django_filters.DateFilter(
            field_name="received_on", lookup_expr="lte", label=f"{received} jusqu'au (jour inclus)"
        ),
    )
