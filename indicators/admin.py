"""National administrators' admin of the indicators: the catalogue's targets and freshness rules; the measurements,
the computation runs and the footfall to look things up (they are written by the services and the imports)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import ComputeRun, FootfallSlot, Indicator, Measurement
from qualipref.lib.admin import AllowedWritesMixin


@admin.register(Indicator)
class IndicatorAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    allowed_writes = {"add", "change"}
    list_display = ["code", "name", "unit", "target_label", "intermediate_target_label", "source", "level", "is_active"]
    list_filter = ["theme", "source", "level", "unit", "is_active"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "description", "theme", "position", "is_active"]}),
        ("Mesure", {"fields": ["unit", "source", "level", "frequency", "freshness_days"]}),
        ("Objectifs", {"fields": ["comparison", "target", "intermediate_target"]}),
    ]

    @admin.display(description="objectif")
    def target_label(self, obj):
        return obj.target_label or "—"

    @admin.display(description="objectif intermédiaire")
    def intermediate_target_label(self, obj):
        return obj.intermediate_target_label or "—"

    def get_readonly_fields(self, request, obj=None):
        # The code is how référentiels, imports and API clients name the indicator; the unit and the source are
        # what its stored measurements mean.
        return ["code", "unit", "source", "level"] if obj else []


@admin.register(Measurement)
class MeasurementAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    allowed_writes = {"delete"}
    list_display = ["indicator", "prefecture", "site", "period", "value", "numerator", "denominator", "source"]
    list_filter = ["source", "indicator", "prefecture"]
    list_select_related = ["indicator", "prefecture", "site"]
    date_hierarchy = "period"
    search_fields = ["indicator__code", "site__name", "prefecture__name"]
    readonly_fields = [field.name for field in Measurement._meta.fields]


@admin.register(ComputeRun)
class ComputeRunAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"delete"}
    list_display = ["started_at", "kind", "state", "finished_at", "created", "updated", "deleted", "unchanged", "scope"]
    list_filter = ["kind", "state"]
    readonly_fields = [field.name for field in ComputeRun._meta.fields]


@admin.register(FootfallSlot)
class FootfallSlotAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"delete"}
    list_display = ["service", "day", "hour", "visitors", "waiting_minutes"]
    list_filter = ["site"]
    list_select_related = ["service__site"]
    date_hierarchy = "day"
    readonly_fields = [field.name for field in FootfallSlot._meta.fields]
