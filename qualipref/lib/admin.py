"""Helpers of the admin pages of every app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction


def dry_run(write):
    """Run a service in a savepoint rolled back afterwards; its refusals become form errors."""
    try:
        with transaction.atomic():
            write()
            transaction.set_rollback(True)
    except PermissionDenied as error:
        raise ValidationError(str(error)) from error


class AllowedWritesMixin:
    """Before a ``ModelAdmin`` or an inline: the admin writes only what ``allowed_writes`` names (« add »,
    « change », « delete »), within the user's permissions; everything else goes through the pages and their
    services. Empty (the default): the admin only looks rows up."""

    allowed_writes = frozenset()

    def has_add_permission(self, request, *obj):  # an inline's takes the parent object, a ModelAdmin's does not
        return "add" in self.allowed_writes and super().has_add_permission(request, *obj)

    def has_change_permission(self, request, obj=None):
        return "change" in self.allowed_writes and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return "delete" in self.allowed_writes and super().has_delete_permission(request, obj)
