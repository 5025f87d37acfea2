import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Notification, Role
from qualipref.lib.forms import QualiprefForm


class MembershipFilterForm(QualiprefForm):
    """DSFR rendering of the filters on the memberships' page (the API ignores it)."""


class MembershipFilter(django_filters.FilterSet):
    """The one FilterSet of the memberships, for ``memberships/`` of the API and the page « Habilitations »
    (which reads ``status=active`` when it is not given: the page opens on the memberships in force)."""

    STATUS_CHOICES = [("active", "En cours"), ("upcoming", "À venir"), ("ended", "Terminées"), ("all", "Toutes")]

    user = django_filters.CharFilter(field_name="user__username", label="Identifiant (exact)")
    username = django_filters.CharFilter(
        field_name="user__username", lookup_expr="icontains", label="Identifiant contient"
    )
    role = django_filters.ChoiceFilter(label="Rôle", choices=Role.choices, empty_label="Tous les rôles")
    prefecture = django_filters.NumberFilter(method="filter_prefecture", label="Préfecture (y compris ses sites)")
    active = django_filters.BooleanFilter(method="filter_active", label="Active aujourd'hui")
    status = django_filters.ChoiceFilter(
        label="Habilitations", choices=STATUS_CHOICES, empty_label=None, method="filter_status"
    )

    class Meta:
        model = Membership
        form = MembershipFilterForm
        fields = ["user", "username", "role", "prefecture", "site", "active", "status"]

    def filter_prefecture(self, queryset, name, value):
        return queryset.filter(Q(prefecture_id=value) | Q(site__prefecture_id=value))

    def filter_active(self, queryset, name, value):
        active = Membership.objects.active(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "active":
            return queryset.active(today)
        if value == "upcoming":
            return queryset.filter(valid_from__gt=today)
        if value == "ended":
            return queryset.filter(valid_until__lt=today)
        return queryset


class NotificationFilter(django_filters.FilterSet):
    read = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", exclude=True, label="lue")
    kind = django_filters.CharFilter(label="type (complaint_deadline, correspondence_overdue...)")

    class Meta:
        model = Notification
        fields = ["read", "kind"]
