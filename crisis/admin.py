from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crisis.models import CrisisEvent, OnCallShift, PressRelease


@admin.register(OnCallShift)
class OnCallShiftAdmin(SimpleHistoryAdmin):
    list_display = ("prefecture", "starts_at", "ends_at", "person", "person_name", "phone")
    list_filter = ("prefecture",)
    raw_id_fields = ("person",)


@admin.register(CrisisEvent)
class CrisisEventAdmin(SimpleHistoryAdmin):
    list_display = ("title", "prefecture", "kind", "with_cip", "alert_received_at", "activation_minutes")
    list_filter = ("kind", "with_cip", "prefecture")


@admin.register(PressRelease)
class PressReleaseAdmin(SimpleHistoryAdmin):
    list_display = ("number", "year", "title", "prefecture", "issued_at", "validated_by")
    list_filter = ("year", "prefecture")
