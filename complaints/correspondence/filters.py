"""The one FilterSet of correspondence, shared by the API (``correspondences/``) and the page (views).

``overdue`` and ``due_this_week`` only filter when true; « due this week » is « due within the next 7 days, today
included », as for complaints.
"""

import django_filters

from complaints.models import Correspondence
from complaints.register.filters import RegisterFilter, received_filters

STATUS_CHOICES = [("open", "En attente de réponse"), ("answered", "Répondu")]


class CorrespondenceFilter(RegisterFilter):
    kind = django_filters.ChoiceFilter(label="Type", choices=Correspondence.Kind.choices, empty_label="Tous")
    status = django_filters.ChoiceFilter(
        label="Statut", choices=STATUS_CHOICES, method="filter_status", empty_label="Tous"
    )
    received_after, received_before = received_filters(feminine=False)
    import_batch = django_filters.NumberFilter(field_name="import_batch_id", label="import (id)")

    class Meta(RegisterFilter.Meta):
        model = Correspondence
        fields = [
            *RegisterFilter.PLACES,
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
