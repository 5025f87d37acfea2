"""National administrators' admin for the register (the admin site is theirs only, see qualipref/admin.py).

National administrators read complaints without the requester's personal data, like everywhere else: those
fields, and the answer that names the requester, are left out of the admin. Writes go through the pages and the
API (complaints.services), which compute due dates and references; the admin only looks things up, and serves the
right to erasure: the action « Effacer les données personnelles » of the lists (complaints.retention). A complaint
is found by its requester's exact e-mail address (search « =adresse ») without the admin showing it.
"""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from complaints import retention
from complaints.models import (
    MESSAGE_PERSONAL_FIELDS,
    REQUESTER_FIELDS,
    SENDER_FIELDS,
    Complaint,
    Correspondence,
    CorrespondenceDelays,
    CorrespondenceImport,
    InboundMessage,
    Mailbox,
    MailboxRule,
    ReferenceCounter,
    ReplyTemplate,
)
from qualipref.lib.admin import AllowedWritesMixin


class RegisterAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    """A register's items, looked up by their date of receipt; their personal data is erased on request."""

    list_select_related = ["site"]
    date_hierarchy = "received_on"
    actions = ["erase_personal_data"]
    erase = None  # the complaints.retention function that erases these items' personal data
    erased_label = ""  # « N <label> » in the message

    @admin.action(description="Effacer les données personnelles (droit à l'effacement)")
    def erase_personal_data(self, request, queryset):
        count = self.erase(by=request.user, queryset=queryset)
        for obj in queryset:
            self.log_change(request, obj, "Données personnelles effacées (droit à l'effacement).")
        if count:
            messages.success(request, f"Données personnelles effacées : {count} {self.erased_label}.")
        else:
            messages.info(request, "Rien à effacer : les données personnelles de ces éléments étaient déjà effacées.")


@admin.register(Complaint)
class ComplaintAdmin(RegisterAdmin):
    list_display = [
        "reference",
        "kind",
        "site",
        "channel",
        "received_on",
        "due_on",
        "status",
        "answered_in_time",
        "anonymised_on",
    ]
    list_filter = ["kind", "status", "channel", "category", "prefecture"]
    # The requester's e-mail is searched exactly, never shown: a right-to-erasure request names it.
    search_fields = ["reference", "=requester_email"]
    search_help_text = "Une référence, ou l'adresse électronique exacte du demandeur (droit à l'effacement)."
    # The answer greets the requester by name: personal data too (accounts.access.can_see_response).
    exclude = [*REQUESTER_FIELDS, "response"]
    erase = staticmethod(retention.erase_complaints)
    erased_label = "réclamation(s) ou suggestion(s)"


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["title", "prefecture", "is_active"]
    list_filter = ["prefecture", "is_active"]
    search_fields = ["title", "body"]
    list_select_related = ["prefecture"]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["department", "year", "last_number"]
    list_filter = ["year"]


@admin.register(Correspondence)
class CorrespondenceAdmin(RegisterAdmin):
    list_display = ["__str__", "kind", "site", "received_on", "due_on", "answered_on", "answered_in_time"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["reference", "=sender", "=sender_email"]
    search_help_text = (
        "Une référence, ou le nom ou l'adresse électronique exacts de l'expéditeur (droit à l'effacement)."
    )
    # The sender, their contact and the answer that greets them: personal data, never shown here.
    exclude = [*SENDER_FIELDS, "subject"]
    erase = staticmethod(retention.erase_correspondences)
    erased_label = "courrier(s)"


@admin.register(CorrespondenceImport)
class CorrespondenceImportAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["file_name", "prefecture", "created_by", "created_at", "status", "rows", "imported", "error_count"]
    list_filter = ["status", "prefecture"]
    list_select_related = ["prefecture", "created_by"]
    exclude = ["file"]


@admin.register(CorrespondenceDelays)
class CorrespondenceDelaysAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["prefecture", "elected_official_days", "local_authority_days"]
    list_select_related = ["prefecture"]


class MailboxRuleInline(AllowedWritesMixin, admin.TabularInline):
    allowed_writes = {"add", "change", "delete"}
    model = MailboxRule
    fields = ["position", "recipient_contains", "keyword", "site", "kind"]
    extra = 0


@admin.register(Mailbox)
class MailboxAdmin(AllowedWritesMixin, admin.ModelAdmin):
    """A prefecture's mailbox read every 5 minutes (complaints.inbound): the password stays in the environment,
    under the variable named here (docs/exploitation.md, § Courriels reçus)."""

    allowed_writes = {"add", "change"}
    list_display = ["name", "prefecture", "username", "host", "folder", "is_active", "last_read_at", "last_error"]
    list_filter = ["is_active", "prefecture"]
    list_select_related = ["prefecture"]
    readonly_fields = ["uid_validity", "last_uid", "last_read_at", "last_error"]
    inlines = [MailboxRuleInline]


@admin.register(InboundMessage)
class InboundMessageAdmin(AllowedWritesMixin, admin.ModelAdmin):
    """Looked up only (what became of a message); its sender and text are personal data, never shown here."""

    list_display = ["__str__", "prefecture", "status", "reason", "complaint", "correspondence"]
    list_filter = ["status", "prefecture"]
    list_select_related = ["prefecture", "complaint", "correspondence"]
    exclude = list(MESSAGE_PERSONAL_FIELDS)
