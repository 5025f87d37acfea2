"""Filters of correspondence, shared by the API (``correspondences/``) and the page (forms.CorrespondenceListFilter).

``overdue`` and ``due_this_week`` only filter when true; « due this week » is « due within the next 7 days, today
included », as for complaints.
"""

import django_filters

from complaints.models import Correspondence
from complaints.register.filters import RegisterFilter, deadline_filters, received_filters

STATUS_CHOICES = [("open", "En attente de réponse"), ("answered", "Répondu")]


class CorrespondenceFilter(RegisterFilter):
    kind = django_filters.ChoiceFilter(
        choices=Correspondence.Kind.choices, label="type (letter, email, elected_official, local_authority)"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label="statut (open, answered)"
    )
    overdue, due_this_week = deadline_filters("sans réponse")
    received_after, received_before = received_filters(feminine=False)
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
