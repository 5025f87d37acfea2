"""National administrators' admin for the register (the admin site is theirs only, see qualipref/admin.py).

National administrators read complaints without the requester's personal data, like everywhere else: those
fields are left out of the admin. Writes go through the pages and the API (complaints.services), which compute
due dates and references; the admin only looks things up.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import REQUESTER_FIELDS, Complaint, ReferenceCounter, ReplyTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["reference", "kind", "site", "channel", "received_on", "due_on", "status", "answered_in_time"]
    list_filter = ["kind", "status", "channel", "category", "prefecture"]
    search_fields = ["reference"]
    list_select_related = ["site"]
    date_hierarchy = "received_on"
    exclude = list(REQUESTER_FIELDS)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(ReadOnlyAdmin):
    list_display = ["title", "prefecture", "is_active"]
    list_filter = ["prefecture", "is_active"]
    search_fields = ["title", "body"]
    list_select_related = ["prefecture"]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ["department", "year", "last_number"]
    list_filter = ["year"]
