"""Filters of the register, shared by the API (``complaints/``) and the page (complaints.forms.ComplaintListFilter).

``overdue`` and ``due_this_week`` only filter when true: false means « no filter », not « the others ».
« Due this week » is « due within the next 7 days, today included », so that it still means something on a
Friday or a weekend.
"""

import django_filters
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from sites.models import Prefecture, Service, Site


class ComplaintFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(queryset=Prefecture.objects.all(), label="préfecture")
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.all(), label="site")
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all(), label="service")
    kind = django_filters.ChoiceFilter(choices=Complaint.Kind.choices, label="nature (complaint, suggestion)")
    status = django_filters.ChoiceFilter(choices=Complaint.Status.choices, label="statut")
    channel = django_filters.ChoiceFilter(choices=Complaint.Channel.choices, label="canal de réception")
    category = django_filters.ChoiceFilter(choices=Complaint.Category.choices, label="thème")
    assigned_to = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label="agent chargé de la réponse (id)")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="en retard (ouverte, échéance passée)")
    due_this_week = django_filters.BooleanFilter(
        method="filter_due_this_week", label="à échéance dans les 7 jours (ouverte)"
    )
    year = django_filters.NumberFilter(field_name="received_on", lookup_expr="year", label="année de réception")
    received_after = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label="reçue à partir du (jour inclus)"
    )
    received_before = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label="reçue jusqu'au (jour inclus)"
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label="référence contient")

    class Meta:
        model = Complaint
        fields = [
            "prefecture",
            "site",
            "service",
            "kind",
            "status",
            "channel",
            "category",
            "assigned_to",
            "overdue",
            "due_this_week",
            "year",
            "received_after",
            "received_before",
            "reference",
        ]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_due_this_week(self, queryset, name, value):
        return queryset.due_soon(timezone.localdate()) if value else queryset
