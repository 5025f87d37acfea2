"""National administrators' admin for the quality programme: looking rules and items up. Rules are written on the
programme's pages (``planning.services.rule_save``, which rebuilds the programme), items by the build and the links,
private calendar addresses by their owner: the admin writes none of them."""

from django.contrib import admin

from planning.models import CalendarFeed, PlannedItem, ProgrammeRule
from qualipref.lib.admin import AllowedWritesMixin


@admin.register(ProgrammeRule)
class ProgrammeRuleAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["label", "prefecture", "first_year", "active"]
    list_filter = ["kind", "active", "prefecture"]
    list_select_related = ["prefecture", "site"]


@admin.register(PlannedItem)
class PlannedItemAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["title", "prefecture", "site", "kind", "starts_on", "ends_on", "fulfilled_on"]
    list_filter = ["kind", "year", "prefecture"]
    search_fields = ["title", "slot"]
    list_select_related = ["prefecture", "site"]
    date_hierarchy = "starts_on"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AllowedWritesMixin, admin.ModelAdmin):
    """Who has a private address and when it was last read (revoking is its owner's, on the programme's page)."""

    list_display = ["user", "created_at", "last_read_at"]
    fields = ["user", "created_at", "last_read_at"]  # not the token's hash
    list_select_related = ["user"]
