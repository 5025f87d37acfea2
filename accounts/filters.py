import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Notification


class MembershipFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user__username", label="identifiant")
    prefecture = django_filters.NumberFilter(method="filter_prefecture", label="préfecture (y compris ses sites)")
    active = django_filters.BooleanFilter(method="filter_active", label="active aujourd'hui")

    class Meta:
        model = Membership
        fields = ["user", "role", "prefecture", "site", "active"]

    def filter_prefecture(self, queryset, name, value):
        return queryset.filter(Q(prefecture_id=value) | Q(site__prefecture_id=value))

    def filter_active(self, queryset, name, value):
        active = Membership.objects.active(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class NotificationFilter(django_filters.FilterSet):
    read = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", exclude=True, label="lue")
    kind = django_filters.CharFilter(label="type (complaint_deadline, correspondence_overdue...)")

    class Meta:
        model = Notification
        fields = ["read", "kind"]
