"""The one FilterSet of the register, shared by the API (``complaints/``) and the page (complaints.views).

``overdue`` and ``due_this_week`` only filter when true: false means « no filter », not « the others ».
« Due this week » is « due within the next 7 days, today included », so that it still means something on a
Friday or a weekend.
"""

import django_filters

from complaints.models import Complaint
from complaints.register.filters import RegisterFilter, received_filters


class ComplaintFilter(RegisterFilter):
    kind = django_filters.ChoiceFilter(label="Nature", choices=Complaint.Kind.choices, empty_label="Toutes")
    status = django_filters.ChoiceFilter(label="Statut", choices=Complaint.Status.choices, empty_label="Tous")
    channel = django_filters.ChoiceFilter(label="Canal", choices=Complaint.Channel.choices, empty_label="Tous")
    category = django_filters.ChoiceFilter(label="Thème", choices=Complaint.Category.choices, empty_label="Tous")
    received_after, received_before = received_filters(feminine=True)

    class Meta(RegisterFilter.Meta):
        model = Complaint
        fields = [
            *RegisterFilter.PLACES,
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
