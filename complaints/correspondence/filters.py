"""Filters of correspondence, shared by the API (``correspondences/``) and the page (forms.CorrespondenceListFilter).

``overdue`` and ``due_this_week`` only filter when true; « due this week » is « due within the next 7 days, today
included », as for complaints.
"""

import django_filters
from django.utils import timezone

from accounts.models import User
from complaints.models import Correspondence
from sites.models import Prefecture, Service, Site

STATUS_CHOICES = [("open", "En attente de réponse"), ("answered", "Répondu")]


class CorrespondenceFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(queryset=Prefecture.objects.all(), label="préfecture")
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.all(), label="site")
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all(), label="service")
    kind = django_filters.ChoiceFilter(
        choices=Correspondence.Kind.choices, label="type (letter, email, elected_official, local_authority)"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label="statut (open, answered)"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="en retard (sans réponse, échéance passée)")
    due_this_week = django_filters.BooleanFilter(
        method="filter_due_this_week", label="à échéance dans les 7 jours (sans réponse)"
    )
    assigned_to = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label="agent chargé de la réponse (id)")
    year = django_filters.NumberFilter(field_name="received_on", lookup_expr="year", label="année de réception")
    received_after = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label="reçu à partir du (jour inclus)"
    )
    received_before = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label="reçu jusqu'au (jour inclus)"
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label="référence contient")
    import_batch = django_filters.NumberFilter(field_name="import_batch_id", label="import (id)")

    class Meta:
        model = Correspondence
        fields = [
            "prefecture",
            "site",
            "service",
            "kind",
            "status",
            "overdue",
            "due_this_week",
            "assigned_to",
            "year",
            "received_after",
            "received_before",
            "reference",
            "import_batch",
        ]

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        if value == "answered":
            return queryset.answered()
        return queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_due_this_week(self, queryset, name, value):
        return queryset.due_soon(timezone.localdate()) if value else queryset
