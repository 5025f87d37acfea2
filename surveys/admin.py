"""National administrators' admin for surveys: it only looks things up (the admin site is theirs only, see
qualipref/admin.py). Writes go through the pages and the API (surveys.services); questionnaires are versioned data
shipped with the application (surveys/questionnaires.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qualipref.lib.admin import AllowedWritesMixin
from surveys.models import AggregatedResult, Campaign, Question, Questionnaire, Response


class QuestionInline(AllowedWritesMixin, admin.TabularInline):
    model = Question
    fields = ["position", "code", "label", "text", "kind"]
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["title", "code", "version", "audience", "published_on"]
    list_filter = ["audience"]
    inlines = [QuestionInline]


@admin.register(Campaign)
class CampaignAdmin(AllowedWritesMixin, SimpleHistoryAdmin):
    list_display = ["title", "prefecture", "kind", "opens_on", "closes_on", "status"]
    list_filter = ["status", "kind", "prefecture"]
    search_fields = ["title"]
    list_select_related = ["prefecture"]
    exclude = ["kiosk_key"]


@admin.register(Response)
class ResponseAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["pk", "campaign", "site", "channel", "answered_on", "comment_status"]
    list_filter = ["channel", "comment_status"]
    list_select_related = ["campaign", "site"]
    date_hierarchy = "answered_on"


@admin.register(AggregatedResult)
class AggregatedResultAdmin(AllowedWritesMixin, admin.ModelAdmin):
    list_display = ["campaign", "site", "service", "question_code", "rate", "answers"]
    list_select_related = ["campaign", "site", "service"]
