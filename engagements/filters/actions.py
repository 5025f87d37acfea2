"""The one FilterSet of actions, shared by the referent's page, its exports and the API.

Every filter is a GET parameter, so a filtered view can be bookmarked: ``?site=3&overdue=true&ordering=due_on``.
Choices (prefectures, plans, sites, owners) are limited to what the requesting user may see: a foreign id is
refused like an unknown one.
"""

import django_filters
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from accounts.models import User
from engagements.models import Action, ActionPlan, Engagement, Module
from engagements.models.actions import OPEN_FIRST
from qualipref.lib.forms import QualiprefForm
from sites.models import Prefecture, Site

STATUS_RANK = {status: rank for rank, status in enumerate(Action.Status.values)}
PRIORITY_RANK = {Action.Priority.HIGH: 0, Action.Priority.NORMAL: 1, Action.Priority.LOW: 2}

# ordering parameter -> (column label, expressions of the ascending order)
SORTS = {
    "title": ("Intitulé", ("title",)),
    "site": ("Site", ("site__name",)),
    "engagement": ("Engagement", ("engagement__code", "module__code")),
    "owner": ("Pilote", ("owner__last_name", "owner__first_name")),
    "due_on": ("Échéance", ("due_on",)),
    "status": ("Statut", ("status_rank",)),
    "progress": ("Avancement", ("progress",)),
    "priority": ("Priorité", ("priority_rank",)),
}


def _rank(field, ranks):
    return Case(
        *(When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()),
        default=Value(99),
        output_field=IntegerField(),
    )


def default_order(queryset):
    """Open actions first, soonest due first (no due date last), then by number: what needs doing comes on
    top, in a stable order for pagination."""
    return queryset.order_by(*OPEN_FIRST)  # the expressions of Action's indexes


class ActionOrderingFilter(django_filters.OrderingFilter):
    """``ordering=due_on`` / ``ordering=-status``: columns of the list; statuses and priorities in their
    natural order, empty values last, the number as tie-breaker."""

    def __init__(self, **kwargs):
        kwargs.setdefault("fields", {name: name for name in SORTS})
        kwargs.setdefault("field_labels", {name: label for name, (label, _) in SORTS.items()})
        kwargs.setdefault("label", "tri")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        expressions = []
        for param in value:
            if not param:
                continue
            descending = param.startswith("-")
            name = param.lstrip("-")
            if name not in SORTS:
                continue
            if name == "status":
                qs = qs.annotate(status_rank=_rank("status", STATUS_RANK))
            elif name == "priority":
                qs = qs.annotate(priority_rank=_rank("priority", PRIORITY_RANK))
            for field in SORTS[name][1]:
                expressions.append(F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True))
        if not expressions:
            return qs
        return qs.order_by(*expressions, "pk")


class ModuleChoiceField(FilterModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.title}"  # "Module 1" alone is ambiguous across référentiels


class ModuleChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ModuleChoiceField


def _user(request):
    return getattr(request, "user", None)


def _prefectures(request):
    if request is None:
        return Prefecture.objects.none()
    return Prefecture.objects.for_user(_user(request)).select_related("department").order_by("department_id")


def _plans(request):
    if request is None:
        return ActionPlan.objects.none()
    return (
        ActionPlan.objects.for_user(_user(request)).select_related("prefecture").order_by("prefecture", "-created_at")
    )


def _sites(request):
    if request is None:
        return Site.objects.none()
    return Site.objects.for_user(_user(request)).order_by("prefecture__department_id", "name")


def _owners(request):
    """People who own at least one action the user may see."""
    if request is None:
        return User.objects.none()
    owned = Action.objects.for_user(_user(request)).filter(owner__isnull=False).values("owner_id")
    return User.objects.filter(pk__in=owned).order_by("last_name", "first_name", "username")


class ActionFilterForm(QualiprefForm):
    """DSFR rendering of the filters on the referent's page (the API ignores it)."""


class ActionFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(
        queryset=_prefectures, label="Préfecture", empty_label="Toutes les préfectures"
    )
    plan = django_filters.ModelChoiceFilter(queryset=_plans, label="Plan d'action", empty_label="Tous les plans")
    site = django_filters.ModelChoiceFilter(queryset=_sites, label="Site", empty_label="Tous les sites")
    module = ModuleChoiceFilter(
        queryset=Module.objects.order_by("referential__code", "-referential__published_on", "number"),
        label="Module",
        empty_label="Tous les modules",
    )
    engagement = django_filters.ModelChoiceFilter(
        queryset=Engagement.objects.order_by("code"), label="Engagement", empty_label="Tous les engagements"
    )
    status = django_filters.MultipleChoiceFilter(choices=Action.Status.choices, label="Statut")
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label="Pilote", empty_label="Tous les pilotes")
    source = django_filters.ChoiceFilter(
        choices=Action.Source.choices, label="Origine", empty_label="Toutes les origines"
    )
    priority = django_filters.ChoiceFilter(
        choices=Action.Priority.choices, label="Priorité", empty_label="Toutes les priorités"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="En retard")
    due_this_month = django_filters.BooleanFilter(method="filter_due_this_month", label="Échéance ce mois-ci")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt", label="Échéance avant le")
    mine = django_filters.BooleanFilter(method="filter_mine", label="Mes actions")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Intitulé contient")
    ordering = ActionOrderingFilter()

    class Meta:
        model = Action
        form = ActionFilterForm
        fields = [
            "prefecture",
            "plan",
            "site",
            "module",
            "engagement",
            "status",
            "owner",
            "source",
            "priority",
            "overdue",
            "due_this_month",
            "due_before",
            "mine",
            "q",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()

    def filter_overdue(self, queryset, name, value):
        """Open (à lancer, en cours) and past their due date."""
        if value is None:
            return queryset
        overdue = {"status__in": Action.OPEN_STATUSES, "due_on__lt": self.today}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)

    def filter_due_this_month(self, queryset, name, value):
        if value is None:
            return queryset
        start = self.today.replace(day=1)
        end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        this_month = {"due_on__gte": start, "due_on__lt": end}
        return queryset.filter(**this_month) if value else queryset.exclude(**this_month)

    def filter_mine(self, queryset, name, value):
        user = _user(self.request)
        if value is None or user is None:
            return queryset
        return queryset.filter(owner=user) if value else queryset.exclude(owner=user)
