"""The one FilterSet of the register of quality documents (« tableau de gestion documentaire »), shared by its page,
its exports (engagements.views.documents) and the API (engagements.api.documents): same parameters, same meaning.
Choices of prefectures, sites and engagements are those the requesting user may see: a foreign id is refused like
an unknown one."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from engagements.filters.meetings import BooleanSelect, ListFilterForm
from engagements.models import DocumentVersion, Engagement, QualityDocument
from engagements.models.documents import ReviewStatus
from qualipref.lib.filtering import contains_any, visible_to_requester
from sites.models import Prefecture, Site

DocumentSites = QualityDocument.sites.through
DocumentEngagements = QualityDocument.engagements.through


def default_order(queryset):
    """National documents first, then by prefecture and reference (the index ``document_register_idx``)."""
    return queryset.order_by(F("prefecture_id").asc(nulls_first=True), "reference", "pk")


def _engagements(request):
    if request is None or not hasattr(request, "user"):
        return Engagement.objects.none()
    return Engagement.objects.select_related("referential").order_by(
        "referential__code", "-referential__published_on", "code"
    )


class EngagementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = obj.title if len(obj.title) <= 80 else obj.title[:79] + "…"
        return f"{obj.code} – {title}"


class EngagementChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = EngagementChoiceField


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Référence ou intitulé")
    kind = django_filters.ChoiceFilter(
        label="Nature", choices=QualityDocument.Kind.choices, empty_label="Toutes les natures"
    )
    # field_name: the model's relation, for the API schema's type (the method does the filtering)
    site = django_filters.ModelChoiceFilter(
        field_name="sites",
        method="filter_site",
        label="Site",
        queryset=visible_to_requester(Site.objects.select_related("prefecture")),
        empty_label="Tous les sites",
        help_text="Les documents du site, ceux de toute sa préfecture et les documents nationaux.",
    )
    engagement = EngagementChoiceFilter(
        field_name="engagements",
        method="filter_engagement",
        label="Engagement servi",
        queryset=_engagements,
        empty_label="Tous les engagements",
    )
    prefecture = django_filters.ModelChoiceFilter(
        label="Préfecture",
        queryset=visible_to_requester(Prefecture.objects.select_related("department")),
        empty_label="Toutes les préfectures",
    )
    national = django_filters.BooleanFilter(
        method="filter_national",
        label="Portée",
        widget=BooleanSelect(
            either="Documents nationaux et des préfectures", yes="Documents nationaux", no="Documents des préfectures"
        ),
    )
    status = django_filters.ChoiceFilter(
        method="filter_status", label="Révision", choices=ReviewStatus.choices, empty_label="Tous les états"
    )
    due = django_filters.BooleanFilter(
        method="filter_due",
        label="À réviser",
        widget=BooleanSelect(either="Tous les documents", yes="À réviser ou en retard", no="Ni à réviser ni en retard"),
    )

    class Meta:
        model = QualityDocument
        form = ListFilterForm
        fields = ["q", "kind", "site", "engagement", "prefecture", "national", "status", "due"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, "reference", "title")

    def filter_site(self, queryset, name, site):
        """The documents that apply to the site: those naming it, those of its prefecture naming no site (the
        whole prefecture), and the national ones."""
        if site is None:
            return queryset
        names_it = DocumentSites.objects.filter(qualitydocument_id=OuterRef("pk"), site_id=site.pk)
        names_any = DocumentSites.objects.filter(qualitydocument_id=OuterRef("pk"))
        return queryset.filter(
            Exists(names_it) | Q(prefecture__isnull=True) | (Q(prefecture_id=site.prefecture_id) & ~Exists(names_any))
        )

    def filter_engagement(self, queryset, name, engagement):
        if engagement is None:
            return queryset
        serves = DocumentEngagements.objects.filter(qualitydocument_id=OuterRef("pk"), engagement_id=engagement.pk)
        return queryset.filter(Exists(serves))

    def filter_national(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(prefecture__isnull=value)

    def filter_status(self, queryset, name, value):
        return queryset.with_review_status(value) if value else queryset

    def filter_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = queryset.due_for_review()
        return due if value else queryset.exclude(pk__in=due.values("pk"))


class DocumentVersionFilter(django_filters.FilterSet):
    """The API's list of versions: of one document, in one state."""

    document = django_filters.ModelChoiceFilter(
        label="Document", queryset=visible_to_requester(QualityDocument.objects.all())
    )
    status = django_filters.MultipleChoiceFilter(label="Statut", choices=DocumentVersion.Status.choices)

    class Meta:
        model = DocumentVersion
        fields = ["document", "status"]
