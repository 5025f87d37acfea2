"""National administrators' admin of the audits (the admin site is theirs only, see qualipref/admin.py): for
looking things up; audits, findings and reports change through the pages and their services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audits.models import Audit, AuditReport, Finding, GoodPractice
from qualipref.lib.admin import AllowedWritesMixin


@admin.register(Audit)
class AuditAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "status", "start_on", "end_on", "report_due_on", "decision"]
    list_filter = ["kind", "status", "prefecture"]
    list_select_related = ["prefecture"]
    date_hierarchy = "start_on"


@admin.register(Finding)
class FindingAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "category", "site", "engagement", "closed_on"]
    list_filter = ["category"]
    search_fields = ["text", "response"]
    list_select_related = ["site", "engagement", "audit"]


@admin.register(AuditReport)
class AuditReportAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"change"}
    list_display = ["__str__", "status", "pages", "size", "sha256", "delivered_on"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in AuditReport._meta.fields]


@admin.register(GoodPractice)
class GoodPracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "prefecture", "module", "engagement", "published_on"]
    list_filter = ["prefecture"]
    search_fields = ["title", "text"]
    list_select_related = ["prefecture", "module", "engagement"]
    raw_id_fields = ["finding", "site", "module", "engagement", "published_by"]
