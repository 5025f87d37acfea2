"""Indicators and measurements in the API (docs/api.md: add fields, never rename them).

Writes are validated here for their shape only; indicators.services checks the rules (French messages) and writes.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import access
from indicators import periods
from indicators.models import Indicator, Measurement, Status
from indicators.services.aggregates import METHOD_LABELS
from qualipref.lib import bounds
from qualipref.lib.drf import AbilitiesField, ModelSerializer
from sites.models import Prefecture, Site


class IndicatorSerializer(ModelSerializer):
    higher_is_better = serializers.BooleanField(read_only=True, help_text="Plus haut, c'est mieux.")
    engagements = serializers.SerializerMethodField(help_text="Codes des engagements qui suivent cet indicateur.")
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "description",
            "theme",
            "unit",
            "comparison",
            "higher_is_better",
            "target",
            "intermediate_target",
            "frequency",
            "source",
            "level",
            "freshness_days",
            "is_active",
            "engagements",
            "abilities",
        ]
        # The catalogue defines the rest; the API sets only the targets, the freshness and whether it is active.
        read_only_fields = [
            name for name in fields if name not in ("target", "intermediate_target", "freshness_days", "is_active")
        ]

    def get_engagements(self, indicator) -> list[str]:
        return self.context.get("engagements", {}).get(indicator.code, [])

    def validate(self, attrs):
        instance = Indicator(**{**{f.name: getattr(self.instance, f.name) for f in Indicator._meta.fields}, **attrs})
        instance.clean()  # French messages (targets of a rate within 0-100, intermediate easier than the target)
        return attrs


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class PeriodField(serializers.Field):
    """A month, « AAAA-MM »."""

    def to_representation(self, value):
        return periods.format_period(value)

    def to_internal_value(self, data):
        return str(data)  # checked (format, not in the future) by the service, with its French message


class MeasurementSerializer(ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code de l'indicateur.")
    period = PeriodField(help_text="Mois mesuré, AAAA-MM.")
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text="Feu de la valeur par rapport aux objectifs de l'indicateur."
    )
    entered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    abilities = AbilitiesField(access.abilities)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "prefecture",
            "site",
            "period",
            "value",
            "numerator",
            "denominator",
            "status",
            "source",
            "entered_by",
            "note",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields


class MeasurementWriteSerializer(serializers.Serializer):
    """A measurement to create: the indicator by its code, a site (or, for a prefecture-wide indicator, the
    prefecture), the month, and the value or, for a rate, its numerator and denominator."""

    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), help_text="Code de l'indicateur (lost_calls_rate…)."
    )
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    prefecture = serializers.PrimaryKeyRelatedField(queryset=Prefecture.objects.none(), required=False, allow_null=True)
    period = PeriodField(help_text="Mois mesuré, AAAA-MM (pas un mois à venir).")
    value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    numerator = bounds.IntegerField(required=False, allow_null=True)
    denominator = bounds.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # What the user may not see does not exist for them.
            self.fields["site"].queryset = Site.objects.for_user(request.user)
            self.fields["prefecture"].queryset = Prefecture.objects.for_user(request.user)


class MeasurementUpdateSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    numerator = bounds.IntegerField(required=False, allow_null=True)
    denominator = bounds.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class BulkItemSerializer(serializers.Serializer):
    """One measurement of a batch: names as in the import file (site by id or name, prefecture by its
    département code for prefecture-wide indicators)."""

    indicator = serializers.CharField(help_text="Code de l'indicateur.")
    site = serializers.CharField(required=False, allow_blank=True, help_text="Numéro ou nom du site.")
    prefecture = serializers.CharField(
        required=False, allow_blank=True, help_text="Code du département, pour un indicateur de préfecture."
    )
    period = serializers.CharField(help_text="Mois, AAAA-MM.")
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    numerator = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    denominator = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)

    def to_internal_value(self, data):
        if isinstance(data, dict):  # numbers are welcome as numbers; the service reads them either way
            data = {
                key: value if value is None or isinstance(value, str) else str(value) for key, value in data.items()
            }
        return super().to_internal_value(data)


class BulkSerializer(serializers.Serializer):
    measurements = BulkItemSerializer(many=True, allow_empty=False, max_length=20000)


class ImportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["telephony", "queue", "titles", "measurements"], help_text="Type d'export."
    )
    file = serializers.FileField(help_text="CSV ou XLSX.")


class FileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV ou XLSX.")


class ReportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Ligne du fichier (ou rang dans le lot, à partir de 1) ; 0 : le fichier.")
    field = serializers.CharField()
    message = serializers.CharField()


class ReportLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["ok", "error"])
    measurements = serializers.ListField(child=serializers.CharField())
    errors = serializers.ListField(child=serializers.CharField())


class ReportSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(help_text="Faux : rien n'a été enregistré.")
    summary = serializers.CharField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ReportErrorSerializer(many=True)
    lines = ReportLineSerializer(many=True)


def report_data(report):
    errors = [{"line": 0, "field": "", "message": message} for message in report.errors]
    for line in report.error_lines:
        errors += [{"line": line.line, "field": "", "message": message} for message in line.errors]
    return {
        "accepted": report.accepted,
        "summary": report.summary(),
        "created": report.created if report.accepted else 0,
        "updated": report.updated if report.accepted else 0,
        "unchanged": report.unchanged if report.accepted else 0,
        "error_count": len(errors),
        "errors": errors,
        "lines": [
            {"line": number, "outcome": outcome, "measurements": labels, "errors": messages}
            for number, outcome, labels, messages in report.by_line()
        ],
    }


class AggregateSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="Code de l'indicateur.")
    prefecture = serializers.IntegerField(allow_null=True, help_text="Vide : national.")
    period = serializers.CharField(help_text="AAAA-MM.")
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    places = serializers.IntegerField(help_text="Nombre de mesures additionnées (sites, ou préfectures).")
    method = serializers.ChoiceField(choices=list(METHOD_LABELS.items()))
    status = serializers.ChoiceField(choices=Status.choices)


class HeatmapCellSerializer(serializers.Serializer):
    hour = serializers.IntegerField()
    visitors = serializers.FloatField(allow_null=True, help_text="Visiteurs moyens de l'heure.")
    waiting = serializers.FloatField(allow_null=True, help_text="Attente moyenne en minutes.")
    level = serializers.IntegerField(help_text="0 (personne) à 5 (l'heure la plus chargée).")


class HeatmapRowSerializer(serializers.Serializer):
    weekday = serializers.CharField()
    cells = HeatmapCellSerializer(many=True)


class HeatmapSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    service = serializers.IntegerField(allow_null=True)
    first = serializers.DateField(allow_null=True)
    last = serializers.DateField(allow_null=True)
    hours = serializers.ListField(child=serializers.IntegerField())
    rows = HeatmapRowSerializer(many=True)


class HeatmapQuerySerializer(serializers.Serializer):
    service = bounds.IdField(required=False, help_text="Un service du site (tous par défaut).")
    weeks = serializers.IntegerField(required=False, min_value=1, max_value=104, help_text="Semaines (8 par défaut).")


class MeasurementHistorySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Identifiant de la personne (vide : Qualipref).")
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    source = serializers.ChoiceField(choices=Indicator.Source.choices)
