"""Filters of ``audits/``, ``findings/``, ``assessments/`` and of the library of good practices.

Choices that name objects (prefectures, audits, sites) are limited to what the requesting user may see: a foreign id
is refused like an unknown one.
"""

import django_filters
from django.db.models import Q

from audits.models import Assessment, Audit, Finding, GoodPractice
from engagements.models import Engagement, Module
from qualipref.lib.bounds import YearFilter
from qualipref.lib.forms import QualiprefForm
from sites.models import Prefecture, Site


def _user(request):
    return getattr(request, "user", None)


def _prefectures(request):
    user = _user(request)
    return Prefecture.objects.for_user(user).select_related("department") if user else Prefecture.objects.none()


def _sites(request):
    user = _user(request)
    return Site.objects.for_user(user) if user else Site.objects.none()


def _audits(request):
    user = _user(request)
    return Audit.objects.readable_by(user) if user else Audit.objects.none()  # choices: no closed window's title


class AuditFilter(django_filters.FilterSet):
    """``?prefecture=&kind=&status=&year=&late=true&labelling=``."""

    prefecture = django_filters.ModelChoiceFilter(
        label="Préfecture", queryset=_prefectures, empty_label="Toutes les préfectures"
    )
    kind = django_filters.MultipleChoiceFilter(label="Nature", choices=Audit.Kind.choices)
    status = django_filters.MultipleChoiceFilter(label="Statut", choices=Audit.Status.choices)
    year = YearFilter(label="Année", field_name="start_on")
    late = django_filters.BooleanFilter(
        label="Rapport en retard", method="filter_late", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = Audit
        fields = ["prefecture", "labelling", "kind", "status", "year", "late"]
        form = QualiprefForm

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        late = Audit.objects.late_reports().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


class FindingFilter(django_filters.FilterSet):
    """``?audit=&site=&category=&engagement=&module=&open=true&answered=false&q=``."""

    audit = django_filters.ModelChoiceFilter(label="Audit", queryset=_audits)
    site = django_filters.ModelChoiceFilter(label="Site", queryset=_sites)
    category = django_filters.MultipleChoiceFilter(label="Catégorie", choices=Finding.Category.choices)
    engagement = django_filters.ModelChoiceFilter(label="Engagement", queryset=Engagement.objects.all())
    module = django_filters.ModelChoiceFilter(label="Module", queryset=Module.objects.all())
    open = django_filters.BooleanFilter(label="Non-conformité non levée", method="filter_open")
    answered = django_filters.BooleanFilter(label="Réponse de la préfecture", method="filter_answered")
    q = django_filters.CharFilter(label="Texte", field_name="text", lookup_expr="icontains")

    class Meta:
        model = Finding
        fields = ["audit", "site", "category", "engagement", "module", "open", "answered", "q"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        nonconformities = queryset.filter(category__in=Finding.NONCONFORMITIES)
        return nonconformities.filter(closed_on__isnull=value)

    def filter_answered(self, queryset, name, value):
        if value is None:
            return queryset
        answerable = queryset.filter(category__in=Finding.ANSWERABLE)
        return answerable.exclude(response="") if value else answerable.filter(response="")


class AssessmentFilter(django_filters.FilterSet):
    """``?audit=&site=&engagement=&result=``."""

    audit = django_filters.ModelChoiceFilter(label="Audit", queryset=_audits)
    site = django_filters.ModelChoiceFilter(label="Site", queryset=_sites)
    result = django_filters.MultipleChoiceFilter(label="Résultat", choices=Assessment.Result.choices)

    class Meta:
        model = Assessment
        fields = ["audit", "site", "engagement", "result"]


class GoodPracticeFilter(django_filters.FilterSet):
    """The library of good practices: ``?q=&module=&engagement=&prefecture=``. Modules and engagements are matched
    by their stable code, so that a practice found under one version of a référentiel is found under the others."""

    q = django_filters.CharFilter(label="Rechercher", method="filter_q")
    module = django_filters.CharFilter(label="Module (code)", method="filter_module")
    engagement = django_filters.CharFilter(label="Engagement (code)", method="filter_engagement")
    prefecture = django_filters.ModelChoiceFilter(
        label="Préfecture", queryset=Prefecture.objects.select_related("department"), empty_label="Toutes"
    )

    class Meta:
        model = GoodPractice
        fields = ["q", "module", "engagement", "prefecture"]
        form = QualiprefForm

    def filter_q(self, queryset, name, value):
        return queryset.search(value.strip()) if value else queryset

    def filter_module(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(module__code__iexact=value) | Q(engagement__module__code__iexact=value))

    def filter_engagement(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(engagement__code__iexact=value) if value else queryset
