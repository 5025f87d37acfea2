"""National administrators' admin for the référentiels (the admin site is theirs only, see qualipref/admin.py).

New texts and new versions are best imported from a YAML file (``manage.py import_referential``), which
validates the whole file; the admin is for looking things up and small corrections. Nothing is deleted here:
labelling cycles point at these rows.
"""

from django.contrib import admin

from engagements.models import Engagement, Module, Referential
from qualipref.lib.admin import AllowedWritesMixin


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["number", "code", "title", "mandatory"]
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Referential)
class ReferentialAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"add", "change"}
    list_display = ["name", "code", "version", "published_on", "follow_up_months"]
    list_filter = ["code"]
    search_fields = ["name", "code", "version"]
    inlines = [ModuleInline]

    def get_readonly_fields(self, request, obj=None):
        # The identity of a version: change it and the cycles that used it would point at another text.
        return ["code", "version"] if obj else []


@admin.register(Module)
class ModuleAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"add", "change"}
    list_display = ["code", "title", "referential", "number", "mandatory"]
    list_filter = ["referential", "mandatory"]
    search_fields = ["code", "title"]
    list_select_related = ["referential"]


@admin.register(Engagement)
class EngagementAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"add", "change"}
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


# --- quality meetings and staff trainings -------------------------------------------------------------

from engagements.models import Meeting, MeetingDecision, Training  # noqa: E402 (appended section)


class MeetingDecisionInline(admin.TabularInline):
    model = MeetingDecision
    fields = ["text", "action"]
    raw_id_fields = ["action"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "prefecture", "kind", "held_on"]
    list_filter = ["kind", "prefecture"]
    date_hierarchy = "held_on"
    search_fields = ["minutes", "attendees", "decisions__text"]
    list_select_related = ["prefecture"]
    inlines = [MeetingDecisionInline]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["person", "site", "course", "reception", "trained_on"]
    list_filter = ["reception", "site__prefecture"]
    date_hierarchy = "trained_on"
    search_fields = ["person__username", "person__last_name", "course"]
    list_select_related = ["person", "site"]
    raw_id_fields = ["person"]


# --- action plans and actions ------------------------------------------------------------------------

from simple_history.admin import SimpleHistoryAdmin  # noqa: E402 (appended section)

from engagements.models import Action, ActionComment, ActionEvidence, ActionPlan  # noqa: E402 (appended section)


@admin.register(ActionPlan)
class ActionPlanAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"add", "change"}  # not deleted: actions point at their plan
    list_display = ["title", "prefecture", "labelling", "created_at"]
    list_filter = ["prefecture"]
    search_fields = ["title"]
    list_select_related = ["prefecture", "labelling__referential"]
    raw_id_fields = ["labelling"]


class ActionCommentInline(admin.TabularInline):
    model = ActionComment
    fields = ["author", "text", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]
    extra = 0


class ActionEvidenceInline(AllowedWritesMixin, admin.TabularInline):
    """Evidence is added through the action's page, which checks its size and its real type."""

    allowed_writes = {"change", "delete"}
    model = ActionEvidence
    fields = ["name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Action)
class ActionAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    """For looking things up and fixing a typo; status changes go through the pages (rules and history)."""

    allowed_writes = {"add", "change"}
    list_display = ["title", "prefecture", "site", "status", "progress", "due_on", "owner"]
    list_filter = ["status", "source", "priority", "prefecture"]
    search_fields = ["title", "description"]
    date_hierarchy = "due_on"
    list_select_related = ["prefecture", "site", "owner"]
    raw_id_fields = ["site", "module", "engagement", "owner", "created_by"]
    # The status and what goes with it follow the transitions of engagements.services.actions.
    readonly_fields = [
        "plan",
        "prefecture",
        "source_type",
        "source_id",
        "status",
        "progress",
        "abandon_reason",
        "completed_on",
        "effectiveness",
        "verified_by",
        "verified_on",
        "created_at",
        "updated_at",
    ]
    inlines = [ActionCommentInline, ActionEvidenceInline]


# --- labelling cycles --------------------------------------------------------------------------------

from simple_history.admin import SimpleHistoryAdmin  # noqa: E402, F811 (appended section)

from engagements.models import Labelling, LabellingStep  # noqa: E402 (appended section)
from qualipref.lib.models import TIMESTAMPS  # noqa: E402 (appended section)


class LabellingStepInline(AllowedWritesMixin, admin.TabularInline):
    allowed_writes = {"change"}
    model = LabellingStep
    fields = ["happened_on", "kind", "status", "note", "evidence", "recorded_by"]
    readonly_fields = fields
    extra = 0


@admin.register(Labelling)
class LabellingAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    """For looking cycles up; steps, decisions and due dates go through the pages or the API (the service
    checks the rules and computes the dates), so they are read-only here."""

    allowed_writes = {"change"}
    list_display = ["prefecture", "referential", "status", "granted_on", "next_audit_due", "renewal_due"]
    list_filter = ["status", "referential"]
    search_fields = ["prefecture__name", "prefecture__department__code"]
    list_select_related = ["prefecture", "referential"]
    # Every field of the cycle but its notes: the model's fields, then its perimeter, then the timestamps.
    readonly_fields = [
        *(field.name for field in Labelling._meta.fields if field.name not in ("id", "notes", *TIMESTAMPS)),
        *(field.name for field in Labelling._meta.many_to_many),
        *TIMESTAMPS,
    ]
    inlines = [LabellingStepInline]


@admin.register(LabellingStep)
class LabellingStepAdmin(AllowedWritesMixin, admin.ModelAdmin):
    allowed_writes = {"change"}
    list_display = ["labelling", "kind", "status", "happened_on", "recorded_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["labelling__prefecture", "labelling__referential", "recorded_by"]
    date_hierarchy = "happened_on"
    readonly_fields = ["labelling", "kind", "status", "happened_on", "evidence", "recorded_by", "created_at"]
    fields = ["labelling", "kind", "status", "happened_on", "note", "evidence", "recorded_by", "created_at"]
