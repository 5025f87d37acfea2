"""The national administrators' admin for the territory (the admin site is theirs only).

Prefectures, sites, services and closures are written through sites.services. Départements are reference
data loaded by a migration: read-only here.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qualipref.lib.admin import AllowedWritesMixin, dry_run
from sites import services
from sites.models import Department, Prefecture, Service, Site, SiteClosure


@admin.register(Department)
class DepartmentAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "region"]


@admin.register(Prefecture)
class PrefectureAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"add", "change"}
    list_display = ["name", "department", "created_at"]
    list_select_related = ["department"]
    search_fields = ["name", "department__code", "department__name"]
    list_filter = ["department__region"]

    def get_readonly_fields(self, request, obj=None):
        return ["department"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()  # only the name can change; no service rule applies to it
        else:
            created = services.prefecture_create(by=request.user, department=obj.department, name=obj.name)
            obj.pk = created.pk


class ServiceInline(admin.TabularInline):
    """Reception desks: new ones through sites.services; a desk that closes is deactivated, not deleted."""

    model = Service
    fields = ["name", "is_active"]
    extra = 0
    can_delete = False


class SiteClosureFormSet(forms.BaseInlineFormSet):
    """Runs the closure services in a rolled-back savepoint so that their refusals show in the form."""

    actor = None

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        dry_run(lambda: write_closures(self, by=self.actor, site=self.instance))


def write_closures(formset, *, by, site):
    for form in formset.deleted_forms:
        if form.instance.pk:
            services.closure_delete(by=by, closure=form.instance)
    for form in formset.forms:
        if form.instance.pk is None and form.has_changed() and form not in formset.deleted_forms:
            data = form.cleaned_data
            services.closure_create(
                by=by, site=site, start_on=data["start_on"], end_on=data.get("end_on"), reason=data["reason"]
            )


class SiteClosureInline(AllowedWritesMixin, admin.TabularInline):
    """Closures are added or deleted (sites.services checks overlaps); an existing one is not edited."""

    allowed_writes = {"add", "delete"}
    model = SiteClosure
    formset = SiteClosureFormSet
    fields = ["start_on", "end_on", "reason"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "prefecture", "city", "is_active"]
    list_filter = ["kind", "is_active", "prefecture"]
    list_select_related = ["prefecture"]
    search_fields = ["name", "city", "postal_code", "prefecture__name"]
    inlines = [ServiceInline, SiteClosureInline]

    def get_readonly_fields(self, request, obj=None):
        return ["prefecture"] if obj else []

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.SITE_EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            services.site_update(by=request.user, site=Site.objects.get(pk=obj.pk), **fields)
        else:
            created = services.site_create(by=request.user, prefecture=form.cleaned_data["prefecture"], **fields)
            obj.pk = created.pk

    def save_formset(self, request, form, formset, change):
        site = form.instance
        if formset.model not in (Service, SiteClosure):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # lists new, changed and deleted rows (for the admin's history), writes nothing
        if formset.model is SiteClosure:
            write_closures(formset, by=request.user, site=site)
            return None
        for service in formset.new_objects:
            services.service_create(by=request.user, site=site, name=service.name)
        for service, _fields in formset.changed_objects:
            service.save()  # renaming or deactivating a desk: no service function exists for it yet
        return None


@admin.register(SiteClosure)
class SiteClosureAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    """Read-only list of every closure (they are entered from the site pages or the site's admin page)."""

    list_display = ["site", "start_on", "end_on", "reason"]
    list_filter = ["site__prefecture"]
    list_select_related = ["site"]
    search_fields = ["site__name", "reason"]
    date_hierarchy = "start_on"
