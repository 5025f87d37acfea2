"""The filters both registers share: by place, assignee, year, reference, and by deadline (« en retard », « à
échéance dans les 7 jours »: they filter only when true; false means « no filter », not « the others »).

``RegisterFilter`` is the base of the API's FilterSets (complaints.filters, complaints.correspondence.filters);
``RegisterListFilter`` adds what the pages show (the sites the user may see, checkboxes, French labels). Each
register declares again, after these, the filters whose labels differ (a complaint is « reçue », a letter « reçu »).
"""

import django_filters
from django import forms
from django.utils import timezone

from accounts.models import User
from qualipref.lib.bounds import YearFilter
from sites.models import Prefecture, Service, Site


class RegisterFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(queryset=Prefecture.objects.all(), label="préfecture")
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.all(), label="site")
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all(), label="service")
    assigned_to = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label="agent chargé de la réponse (id)")
    year = YearFilter(field_name="received_on", label="année de réception")
    reference = django_filters.CharFilter(lookup_expr="icontains", label="référence contient")

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_due_this_week(self, queryset, name, value):
        return queryset.due_soon(timezone.localdate()) if value else queryset


def received_filters(feminine):
    """``received_after`` and ``received_before``, their labels agreed with the register's items."""
    received = "reçue" if feminine else "reçu"
    return (
        django_filters.DateFilter(
            field_name="received_on", lookup_expr="gte", label=f"{received} à partir du (jour inclus)"
        ),
        django_filters.DateFilter(
            field_name="received_on", lookup_expr="lte", label=f"{received} jusqu'au (jour inclus)"
        ),
    )


def deadline_filters(open_label):
    """``overdue`` and ``due_this_week`` of the API, « open » said as the register says it."""
    return (
        django_filters.BooleanFilter(method="filter_overdue", label=f"en retard ({open_label}, échéance passée)"),
        django_filters.BooleanFilter(
            method="filter_due_this_week", label=f"à échéance dans les 7 jours ({open_label})"
        ),
    )


class RegisterListFilter(RegisterFilter):
    """The pages' filters: the sites the user may see, the deadline filters as checkboxes."""

    site = django_filters.ModelChoiceFilter(
        label="Site",
        queryset=lambda request: Site.objects.for_user(request.user).select_related("prefecture"),
        empty_label="Tous les sites",
    )
    overdue = django_filters.BooleanFilter(
        label="En retard", method="filter_overdue", widget=forms.CheckboxInput, field_name="overdue"
    )
    due_this_week = django_filters.BooleanFilter(
        label="À échéance dans les 7 jours",
        method="filter_due_this_week",
        widget=forms.CheckboxInput,
        field_name="due_this_week",
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label="Référence")
