"""Filters of the register, shared by the API (``complaints/``) and the page (complaints.forms.ComplaintListFilter).

``overdue`` and ``due_this_week`` only filter when true: false means « no filter », not « the others ».
« Due this week » is « due within the next 7 days, today included », so that it still means something on a
Friday or a weekend.
"""

import django_filters

from complaints.models import Complaint
from complaints.register.filters import RegisterFilter, deadline_filters, received_filters


class ComplaintFilter(RegisterFilter):
    kind = django_filters.ChoiceFilter(choices=Complaint.Kind.choices, label="nature (complaint, suggestion)")
    status = django_filters.ChoiceFilter(choices=Complaint.Status.choices, label="statut")
    channel = django_filters.ChoiceFilter(choices=Complaint.Channel.choices, label="canal de réception")
    category = django_filters.ChoiceFilter(choices=Complaint.Category.choices, label="thème")
    overdue, due_this_week = deadline_filters("ouverte")
    received_after, received_before = received_filters(feminine=True)

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
