import django_filters
from django.db.models import Exists, OuterRef

from engagements.models import Labelling, Referential
from sites.models import Prefecture

NO_CYCLE = "none"


def label_choices():
    """One choice per référentiel code (Label Marianne, Qualipref, Qualipref 2.0 numérique), latest name."""
    names = {}
    for code, name in Referential.objects.order_by("code", "published_on").values_list("code", "name"):
        names[code] = name
    return sorted(names.items(), key=lambda item: item[1])


class LabellingFilter(django_filters.FilterSet):
    """Filters of ``labellings/``."""

    label = django_filters.CharFilter(
        field_name="referential__code", lookup_expr="iexact", label="code du référentiel (MARIANNE, QP, QP2)"
    )
    late = django_filters.BooleanFilter(method="filter_late", label="audit de suivi en retard")

    class Meta:
        model = Labelling
        fields = ["prefecture", "referential", "label", "status", "late"]

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        late = Labelling.objects.late().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


class PrefectureLabelFilter(django_filters.FilterSet):
    """Filters of the national overview: prefectures by the label of their running cycle, late ones."""

    label = django_filters.ChoiceFilter(
        label="Label en cours",
        choices=lambda: [*label_choices(), (NO_CYCLE, "Aucun cycle en cours")],
        empty_label="Tous les labels",
        method="filter_label",
    )
    late = django_filters.BooleanFilter(
        label="Audit de suivi en retard",
        method="filter_late",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Prefecture
        fields = ["label", "late"]

    def filter_label(self, queryset, name, value):
        running = Labelling.objects.current().filter(prefecture=OuterRef("pk"))
        if value == NO_CYCLE:
            return queryset.filter(~Exists(running))
        return queryset.filter(Exists(running.filter(referential__code=value)))

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        late = Exists(Labelling.objects.late().filter(prefecture=OuterRef("pk")))
        return queryset.filter(late) if value else queryset.filter(~late)
