"""National administrators' admin for the référentiels (the admin site is theirs only, see qualipref/admin.py).

New texts and new versions are best imported from a YAML file (``manage.py import_referential``), which
validates the whole file; the admin is for looking things up and small corrections. Nothing is deleted here:
labelling cycles point at these rows.
"""

from django.contrib import admin

from engagements.models import Engagement, Module, Referential


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["number", "code", "title", "mandatory"]
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Referential)
class ReferentialAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "published_on", "follow_up_months"]
    list_filter = ["code"]
    search_fields = ["name", "code", "version"]
    inlines = [ModuleInline]

    def get_readonly_fields(self, request, obj=None):
        # The identity of a version: change it and the cycles that used it would point at another text.
        return ["code", "version"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "referential", "number", "mandatory"]
    list_filter = ["referential", "mandatory"]
    search_fields = ["code", "title"]
    list_select_related = ["referential"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "module", "kind", "target_label", "reconstructed"]
    list_filter = ["referential", "module", "kind", "reconstructed"]
    search_fields = ["code", "title"]
    list_select_related = ["module", "referential"]
    fieldsets = [
        (None, {"fields": ["referential", "module", "number", "code", "title", "text", "kind", "reconstructed"]}),
        ("Cible mesurable", {"fields": ["target_indicator", "target_comparison", "target_value", "target_unit"]}),
    ]

    @admin.display(description="cible")
    def target_label(self, obj):
        return obj.target_label or "—"

    def has_delete_permission(self, request, obj=None):
        return False
